# | and |= merging, ** unpacking in literals and calls.
a = {"x": 1, "y": 2}
b = {"y": 20, "z": 30}
print(a | b, b | a)
c = dict(a)
c |= b
print(c)
print({**a, **b, "w": 0}, {**{}, "only": 1})


def show(**kw):
    return sorted(kw.items())


print(show(**a), show(**a, z=5))
