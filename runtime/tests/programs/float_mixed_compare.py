# Exact comparisons between ints and floats, even when the int is huge.
print(1 == 1.0, 1 < 1.5, 2 > 1.999999, -1 == -1.0)
big = 2 ** 53
print(big == float(big), big + 1 == float(big + 1), big + 1 > float(big), float(big) < big + 1)
print(10 ** 30 == 1e30, 10 ** 16 == 1e16, 10 ** 23 == 1e23)
print(sorted([3, 1.5, 2, 0.5, 10 ** 20, 1e19]))
print(max(1, 1.0), min(1.0, 1), max(2, 2.5))
