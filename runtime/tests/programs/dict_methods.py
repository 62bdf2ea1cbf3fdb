# dict methods.
d = {"a": 1, "b": 2}
print(d.get("a"), d.get("z"), d.get("z", 0))
print(d.setdefault("a", 100), d.setdefault("c", 3), d)
print(d.pop("b"), d.pop("zz", "default"), d)
d.update({"x": 9, "a": -1})
d.update(y=8)
d.update([("w", 7)])
print(d)
print(d.popitem(), d)
c = d.copy()
c["new"] = 1
print(d, c)
print(dict.fromkeys("abc", 0), dict.fromkeys([1, 2]))
c.clear()
print(c)
try:
    d.pop("missing")
except KeyError as exc:
    print("KeyError:", exc)
try:
    {}.popitem()
except KeyError as exc:
    print("KeyError:", exc)
