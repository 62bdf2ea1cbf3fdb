# `del` on names, list items, slices, dict keys and attributes.
a = 1
del a
try:
    print(a)
except NameError as exc:
    print("NameError:", exc)
items = [0, 1, 2, 3, 4, 5]
del items[0]
del items[-1]
print(items)
del items[1:3]
print(items)
d = {"x": 1, "y": 2}
del d["x"]
print(d)


class O:
    pass


o = O()
o.attr = 5
del o.attr
print(hasattr(o, "attr"))
x, y = 1, 2
del x, y
print("x" in dir(), "y" in dir())
