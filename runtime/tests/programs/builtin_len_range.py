# len() on builtins and range() forms.
print(len("abc"), len([1, 2]), len((1,)), len({"a": 1}), len({1, 2, 3}), len(range(10)), len(range(0, 10, 3)))
print(list(range(5)), list(range(2, 8)), list(range(10, 0, -3)), list(range(0)), list(range(5, 2)))
r = range(0, 20, 5)
print(r, r[1], r[-1], r[1:3], len(r), 15 in r, 16 in r, r.index(10), r.count(5))
print(list(reversed(range(4))), range(3) == range(0, 3), sum(range(1, 1001)))
print(range(10 ** 20)[-1], len(range(-5, 5, 2)))
try:
    range(1, 2, 0)
except ValueError as e:
    print("ValueError:", e)
