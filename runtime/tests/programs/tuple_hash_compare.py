# Tuples compare lexicographically and hash by contents.
print((1, 2) < (1, 3), (1, 2) < (1, 2, 3), (2,) > (1, 9), (1, 2) == (1, 2), (1, 2) != (1, 2.0))
print(hash((1, 2)) == hash((1, 2)), hash((1, 2.0)) == hash((1, 2)))
d = {(0, 0): "origin", (1, 2): "point"}
print(d[(1, 2)], d[0, 0], (1, 2) in d)
try:
    hash((1, [2]))
except TypeError as exc:
    print("TypeError:", exc)
print(sorted([(2, "b"), (1, "z"), (2, "a")]))
print(max((1, "a"), (1, "b")))
