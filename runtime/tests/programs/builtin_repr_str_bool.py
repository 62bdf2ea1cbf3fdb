# repr/str of builtin values.
values = [0, -1, 1.5, "s'q", "d\"q", None, True, [1, "a"], (1,), (), {"k": [None]}, {1}, set(), frozenset({2}),
          range(3), range(1, 9, 2), 10 ** 20, -0.0, 1e300 * 10]
for v in values:
    print(repr(v), str(v))
print(repr(len), repr(int), repr(ValueError), repr(ValueError("m")))
