# __slots__ restricts attributes.
class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


v = Vec(1, 2)
v.x += 10
print(v.x, v.y)
try:
    v.z = 3
except AttributeError as exc:
    print("AttributeError:", exc)
print(hasattr(v, "__dict__"))


class Partial:
    __slots__ = ("a",)


p = Partial()
try:
    p.a
except AttributeError as exc:
    print("AttributeError:", exc)
p.a = 1
del p.a
print(hasattr(p, "a"))


class Child(Vec):
    pass


c = Child(1, 2)
c.extra = "ok"
print(c.extra, c.x)
