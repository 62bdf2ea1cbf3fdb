# Comparison operators, chained comparisons and their single evaluation of middle operands.
print(1 < 2, 2 < 1, 1 <= 1, 1 >= 2, 1 == 1, 1 != 1)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1, 1 == 1 == 1, 1 < 2 > 0)
calls = []


def mid(v):
    calls.append(v)
    return v


print(0 < mid(5) < 10, calls)
print(0 < mid(50) < 10, calls)
print(10 < mid(7) < 20, calls)
print("abc" < "abd", "a" < "B", [1, 2] < [1, 3], (1, 2) < (1, 2, 0))
one = 1
print(1 == 1.0, one is not None, None is None)
x = 5
if 0 <= x < 10:
    print("digit")
print(1 < 2 < 3 < 4 < 5 < 4)
