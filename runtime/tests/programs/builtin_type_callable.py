# type(), callable() and the type of common values.
values = [1, 1.5, "s", [1], (1,), {"a": 1}, {1}, frozenset(), None, True, range(2), len, print, type, object()]
for v in values:
    print(type(v).__name__, callable(v))
print(type(type), type(int), type(None)(), type(3)("7") + 1)
Dyn = type("Dyn", (object,), {"x": 5, "double": lambda self: self.x * 2})
d = Dyn()
print(Dyn.__name__, d.x, d.double(), isinstance(d, Dyn))
