# Tuple/list unpacking: nested, starred, in for loops, swaps.
a, b = 1, 2
print(a, b)
a, b = b, a
print(a, b)
(c, d), e = (3, 4), 5
print(c, d, e)
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = "hello"
print(init, last)
h, *mid, t = range(6)
print(h, mid, t)
x, *y = [9]
print(x, y)
[p, q], [r, s] = "ab", "cd"
print(p, q, r, s)
for i, (k, v) in enumerate({"one": 1, "two": 2}.items()):
    print(i, k, v)
try:
    m, n = [1, 2, 3]
except ValueError as exc:
    print("ValueError:", exc)
try:
    m, n, o = [1, 2]
except ValueError as exc:
    print("ValueError:", exc)
print([*range(3), *"ab", 7])
print((*[1, 2], 3))
