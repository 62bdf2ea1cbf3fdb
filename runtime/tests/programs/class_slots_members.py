# __slots__ classes keep their attributes in slots, named by member
# descriptors on the class: unset slots, deletion, the descriptors' own
# methods and repr, inheritance of layouts, data descriptors that win over
# a slot, and the errors CPython raises for bad or conflicting slots.
class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class Point3(Point):
    __slots__ = ("z",)

    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z


class Tagged(Point3):
    __slots__ = ()


p = Point3(1, 2, 3)
print(p.x, p.y, p.z, hasattr(p, "__dict__"))
print(Point.x, type(Point.x).__name__, Point3.z)
print(Point.x.__get__(None, Point) is Point.x)
print(Point.y.__get__(p), Point.y.__get__(p, Point3))
Point.x.__set__(p, 10)
print(p.x)
Point.x.__delete__(p)
print(hasattr(p, "x"))
try:
    p.x
except AttributeError as e:
    print("AttributeError:", e)
try:
    del p.x
except AttributeError as e:
    print("AttributeError:", e)
p.x = 5
del p.y
print(getattr(p, "y", "unset"), p.x)
try:
    p.w = 1
except AttributeError as e:
    print("AttributeError:", e)
try:
    Point.x.__get__(5)
except TypeError as e:
    print("TypeError:", e)
try:
    Point3.z.__set__(Point(1, 2), 3)
except TypeError as e:
    print("TypeError:", e)
t = Tagged(7, 8, 9)
print(t.x + t.y + t.z, isinstance(t, Point))
print(sorted(n for n in dir(t) if not n.startswith("__")))
try:
    vars(t)
except TypeError as e:
    print("TypeError:", e)
try:
    t.__dict__
except AttributeError as e:
    print("AttributeError:", e)


# A single name as a str, a list, and __weakref__ (no member of its own).
class Solo:
    __slots__ = "only"


class Listed:
    __slots__ = ["a", "__weakref__"]


s = Solo()
s.only = "one"
l = Listed()
l.a = [1]
print(s.only, Solo.__slots__, l.a, Listed.__slots__)


# A property or class attribute of a subclass wins over the base's slot.
class Shadowed(Point):
    __slots__ = ()
    x = property(lambda self: "property x")
    y = "class y"


sh = Shadowed.__new__(Shadowed)
print(sh.x, sh.y)
try:
    sh.x = 1
except AttributeError as e:
    print("AttributeError:", e)


# A property of the slotted class itself reads the slots.
class Temperature:
    __slots__ = ("celsius",)

    def __init__(self, c):
        self.celsius = c

    @property
    def fahrenheit(self):
        return self.celsius * 9 / 5 + 32

    @fahrenheit.setter
    def fahrenheit(self, f):
        self.celsius = (f - 32) * 5 / 9


temp = Temperature(100)
print(temp.fahrenheit)
temp.fahrenheit = 32
print(temp.celsius)


# Errors at class creation.
try:
    class Conflict:
        __slots__ = ("v",)
        v = 1
except ValueError as e:
    print("ValueError:", e)
try:
    class NotNames:
        __slots__ = (1,)
except TypeError as e:
    print("TypeError:", e)
try:
    class NotIdentifier:
        __slots__ = ("a b",)
except TypeError as e:
    print("TypeError:", e)


class Other:
    __slots__ = ("q",)


try:
    class Both(Point, Other):
        pass
except TypeError as e:
    print("TypeError:", e)


# Exceptions with __slots__ keep the names in their attributes.
class Failure(Exception):
    __slots__ = ("code",)


f = Failure("boom")
f.code = 7
print(f.code, f.args)


# __class__ assignment needs the same layout.
class Pair:
    __slots__ = ("x", "y")


class Triple:
    __slots__ = ("x", "y", "z")


q = Point(1, 2)
q.__class__ = Pair
print(type(q).__name__, q.x, q.y)
for target in (Triple, Listed, Solo):
    try:
        q.__class__ = target
    except TypeError as e:
        print("TypeError:", e)
print(type(q).__name__)


# More names than an instance keeps slots for: the same behaviour.
class Wide:
    __slots__ = ("a", "b", "c", "d", "e", "f", "g", "h")

    def __init__(self):
        for i, n in enumerate(Wide.__slots__):
            setattr(self, n, i)


class Wider(Wide):
    __slots__ = ("i",)


w = Wider()
w.i = 8
print(w.a, w.h, w.i, hasattr(w, "__dict__"), Wide.h, Wider.i)
del w.c
print(hasattr(w, "c"), sorted(n for n in dir(w) if not n.startswith("_")))
try:
    w.z = 1
except AttributeError as e:
    print("AttributeError:", e)
try:
    vars(w)
except TypeError as e:
    print("TypeError:", e)
