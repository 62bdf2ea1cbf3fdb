# Tuple creation, indexing, slicing, methods and repr.
t = (1, "a", 2.5)
print(t, len(t), t[0], t[-1], t[1:], t[::-1], (1,), (), tuple("ab"), tuple([3, 4]))
print(t + (None,), t * 2, (1, 2) * 0, 1, (2,))
print(t.index("a"), (1, 1, 2).count(1), "a" in t)
x = 1, 2, 3
print(x, type(x).__name__)
single = 5,
print(single, len(single))
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0])
