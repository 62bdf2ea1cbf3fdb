# __setattr__/__delattr__/__getattribute__ with inheritance and super(); live __dict__ views (instances, functions) and a class's read-only mappingproxy.
class Base:
    def __setattr__(self, name, value):
        print("Base.__setattr__", name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        print("Base.__delattr__", name)
        super().__delattr__(name)


class Child(Base):
    def __init__(self):
        self.a = 1


class Upper(Child):
    def __setattr__(self, name, value):
        super().__setattr__(name.upper(), value)


c = Child()
c.b = 2
print(sorted(vars(c).items()))
del c.a
print(vars(c))
u = Upper()
u.x = 5
print(sorted(u.__dict__))
d = u.__dict__
d["direct"] = 9
print(u.direct, "direct" in vars(u), len(d))
d.update(z=1)
print(u.z, list(d.keys()))
del d["z"]
print(hasattr(u, "z"))


class Tracked:
    def __getattribute__(self, name):
        if name.startswith("secret"):
            raise AttributeError(name)
        return super().__getattribute__(name)

    def __getattr__(self, name):
        return "fallback:" + name


t = Tracked()
t.val = 3
print(t.val, t.secret, t.other if hasattr(t, "other") else None)
print(type(Tracked.__dict__).__name__, "__getattr__" in Tracked.__dict__, Tracked.__dict__["__getattr__"].__name__)
try:
    Tracked.__dict__["x"] = 1
except TypeError as e:
    print("TypeError:", e)


def f():
    pass


f.tag = "t"
print(f.__dict__, vars(f))
f.__dict__["more"] = 1
print(f.more)
