# List creation, indexing, assignment, length, iteration.
a = [1, "two", 3.0, None, [5]]
print(a, len(a), a[0], a[-1], a[-1][0])
a[1] = 2
a[-2] = "four"
print(a)
b = list(range(5))
print(b, list("abc"), list((1, 2)), list({"k": 1, "j": 2}), [])
total = 0
for v in b:
    total += v
print(total, b * 2, b + [9], [0] * 3)
print(a == [1, 2, 3.0, "four", [5]], a != b, bool([]), bool([0]))
nested = [[0] * 3 for _ in range(3)]
nested[1][1] = 5
print(nested)
