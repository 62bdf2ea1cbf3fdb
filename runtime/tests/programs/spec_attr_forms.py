# Tier 1: instance attribute loads and stores remember where an attribute
# sits in the instance's table (instances of a class usually get their
# attributes in the same order), __slots__ instances included; module
# functions and methods of list and dict subclasses load through cached
# forms. Each meets what breaks its guard mid-loop: instances laid out
# differently, a deleted attribute, a property or __getattribute__ added to
# the class, __class__ assignment, a rebound module attribute, a method
# shadowed by an instance attribute, and another thread changing a class.
import math
import threading


class Point:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class Backwards:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.z = z
        self.y = y
        self.x = x


def total(points):
    t = 0
    for p in points:
        t += p.x * 100 + p.y * 10 + p.z
    return t


def shift(points, d):
    for p in points:
        p.x = p.x + d
        p.z = p.z - d
    return total(points)


pts = [Point(i, 1, 2) for i in range(300)]
print(total(pts), shift(pts, 1))
# The same class, attributes in another order in some instances.
for p in pts[::7]:
    del p.x
    p.x = 5
print(total(pts), shift(pts, 2))
# Another class with the same names, laid out backwards.
mixed = [Point(i, 2, 3) if i % 2 else Backwards(i, 2, 3) for i in range(300)]
print(total(mixed), shift(mixed, 3))


# One class, two orders: the remembered position holds the other name.
class Either:
    def __init__(self, i):
        if i % 3:
            self.a = i
            self.b = -i
        else:
            self.b = -i
            self.a = i


either = [Either(i) for i in range(300)]


def spread(objs):
    s = 0
    for o in objs:
        s += o.a * 1000 + o.b
        o.b = o.a
    return s


print(spread(either), spread(either))
# A missing slot mid-loop: AttributeError from the generic load.
del pts[150].y
try:
    total(pts)
except AttributeError as e:
    print("AttributeError:", e)
pts[150].y = 1
# A name outside __slots__ stays an AttributeError on a hot store site.


def mark(objs):
    for o in objs:
        o.w = 1


class Loose:
    pass


mark([Loose() for _ in range(300)])
try:
    mark([Loose() for _ in range(300)] + [Point(0, 0, 0)])
except AttributeError as e:
    print("AttributeError:", e)

# The slots class changes mid-loop: a property over a slot name, then a
# __getattribute__.


def read_y(points, n):
    out = 0
    for i in range(n):
        out += points[i % len(points)].y
        if i == 200:
            Point.y = property(lambda self: 1000)
        if i == 400:
            Point.__getattribute__ = lambda self, name: -1
    return out


print(read_y(pts[:10], 600))
del Point.__getattribute__


class Twin:
    __slots__ = ("x", "y", "z")


def relabel(points, n):
    out = 0
    for i in range(n):
        p = points[i % len(points)]
        out += p.x
        if i == 250:
            for q in points:
                q.__class__ = Twin
            Twin.x = property(lambda self: 7)
    return out


print(relabel([Backwards(i, 0, 0) for i in range(20)], 500))


# Another thread gives the class a property while this one loops on it.
class Cell:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v


go = threading.Event()
done = threading.Event()


def add_property():
    go.wait()
    Cell.v = property(lambda self: 100)
    done.set()


def sum_cells(cells, n):
    s = 0
    for i in range(n):
        s += cells[i % len(cells)].v
        if i == 300:
            go.set()
            done.wait()
    return s


t = threading.Thread(target=add_property)
t.start()
print(sum_cells([Cell(1) for _ in range(10)], 600))
t.join()


# Module functions called as methods; the module attribute is rebound.
def roots(n):
    s = 0.0
    for i in range(n):
        s += math.sqrt(i)
        if i == 300:
            math.sqrt = lambda x: -1.0
    return s


real_sqrt = math.sqrt
print(round(roots(600), 6))
math.sqrt = real_sqrt
try:
    for i in range(300):
        math.floor(i)
        if i == 200:
            del math.floor
except AttributeError as e:
    print("AttributeError:", e)


# Another thread rebinds a module function while this one calls it.
rebind = threading.Event()
rebound = threading.Event()


def rebind_hypot():
    rebind.wait()
    math.hypot = lambda x, y: 0.0
    rebound.set()


def hypots(n):
    s = 0.0
    for i in range(n):
        s += math.hypot(3, 4)
        if i == 300:
            rebind.set()
            rebound.wait()
    return s


real_hypot = math.hypot
t = threading.Thread(target=rebind_hypot)
t.start()
print(hypots(600))
t.join()
math.hypot = real_hypot


# Methods of list and dict subclasses: their own and inherited ones.
class Stack(list):
    def push(self, v):
        self.append(v)
        return len(self)


def fill(stacks, n):
    out = 0
    for i in range(n):
        s = stacks[i % len(stacks)]
        out += s.push(i)
        s.append(-i)
        if i == 200:
            stacks[0].push = lambda v: 1000
        if i == 300:
            vars(stacks[1])["append"] = lambda v: None
        if i == 400:
            Stack.push = lambda self, v: 7
    return out, [len(s) for s in stacks]


print(fill([Stack(), Stack(), Stack()], 600))


class Registry(dict):
    def register(self, k):
        self[k] = len(self)
        return self[k]


swap = threading.Event()
swapped = threading.Event()


def replace_register():
    swap.wait()
    Registry.register = lambda self, k: -1
    swapped.set()


def register_all(reg, n):
    out = 0
    for i in range(n):
        out += reg.register(i)
        out += reg.get(i, 0)
        if i == 300:
            swap.set()
            swapped.wait()
    return out


t = threading.Thread(target=replace_register)
t.start()
print(register_all(Registry(), 600))
t.join()
