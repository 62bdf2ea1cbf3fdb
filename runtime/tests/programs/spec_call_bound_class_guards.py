# Tier 1: calls of bound method objects, of Python functions with defaults,
# closures and generator functions, and instantiation of classes with and
# without __init__ (with __slots__ too) specialize, then meet replaced
# __code__ and __defaults__, __init__ added, replaced or removed, changed
# bases, other callables at the same site, and another thread replacing an
# __init__ while a loop spins on instantiating the class.
import threading


class Counter:
    def __init__(self, start):
        self.n = start

    def bump(self, k):
        self.n += k
        return self.n

    def bump2(self, k, extra=100):
        self.n += k + extra
        return self.n


def call_bound(method, n):
    t = 0
    for i in range(n):
        t += method(i)
    return t


c = Counter(0)
print(call_bound(c.bump, 1000), c.n)
print(call_bound(c.bump2, 1000), c.n)
print(call_bound(Counter(5).bump, 10))


def triple(self, k):
    return k * 3


# The bound method's function gets new code in the middle of a loop.
def call_bound_replacing(n):
    m = c.bump
    t = 0
    for i in range(n):
        if i == n // 2:
            Counter.bump.__code__ = triple.__code__
        t += m(i)
    return t


print(call_bound_replacing(1000))
print(call_bound(c.bump2, 10))
Counter.bump2.__defaults__ = (-1,)
print(call_bound(c.bump2, 10))
Counter.bump2.__defaults__ = None
try:
    call_bound(c.bump2, 10)
except TypeError as e:
    print("TypeError:", e)


# One site, bound methods of several kinds: Python, builtin, with defaults,
# wrong arity.
def call_each(methods, x):
    out = []
    for m in methods:
        try:
            out.append(m(x))
        except TypeError as e:
            out.append(str(e))
    return out


holder = []


class Other:
    def f(self, x):
        return ("other", x)

    def g(self, x, y):
        return x + y

    def h(self, x, *rest):
        return (x, rest)


o = Other()
print(call_each([o.f] * 20 + [holder.append, o.g, o.h, Counter(1).bump, o.f], 7), holder)


# A callback kept in an instance attribute: `obj.callback(x)` finds a bound
# method in the instance, not a method of the class.
class Button:
    def __init__(self, callback):
        self.callback = callback

    def press_all(self, n):
        t = 0
        for i in range(n):
            t += self.callback(i)
        return t


class Handler:
    def __init__(self, scale):
        self.scale = scale

    def on_press(self, i):
        return i * self.scale


b = Button(Handler(2).on_press)
print(b.press_all(1000))
b.callback = Handler(3).on_press
print(b.press_all(1000))
b.callback = abs
print(b.press_all(1000))
b.callback = Handler(1).on_press
print(b.press_all(10))


# Python functions called with fewer arguments than parameters.
def scaled(x, k=2, shift=0):
    return x * k + shift


def use_defaults(n):
    t = 0
    for i in range(n):
        t += scaled(i) + scaled(i, 3) + scaled(i, 1, 1)
    return t


print(use_defaults(1000))
scaled.__defaults__ = (10, 5)
print(use_defaults(1000))
scaled.__defaults__ = (7,)
try:
    use_defaults(1000)
except TypeError as e:
    print("TypeError:", e)
scaled.__defaults__ = (1, 1)


def needs_two(a, b):
    return a - b


scaled.__code__ = needs_two.__code__
try:
    use_defaults(10)
except TypeError as e:
    print("TypeError:", e)


# Closures made afresh each time, and generator functions.
def make_adder(k):
    def add(x):
        return x + k
    return add


def closures(n):
    t = 0
    for i in range(n):
        t += make_adder(i)(1)
    return t


print(closures(1000))


def countdown(n, step=1):
    while n > 0:
        yield n
        n -= step


def generators(n):
    t = 0
    for i in range(n):
        t += sum(countdown(i % 10)) + len(list(countdown(i % 10, 3)))
    return t


print(generators(1000))


# Classes: no __init__, __slots__, __init__ with defaults, then changes.
class Empty:
    pass


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b=4):
        self.a = a
        self.b = b


class SlotsNoInit:
    __slots__ = ()


def build(cls, n, *args):
    made = []
    for i in range(n):
        made.append(cls(*args))
    return made


def build_empty(n):
    t = 0
    for i in range(n):
        t += type(Empty()) is Empty
        t += isinstance(SlotsNoInit(), SlotsNoInit)
    return t


print(build_empty(500))
try:
    for i in range(50):
        Empty(i)
except TypeError as e:
    print("TypeError:", e)


def build_slotted(n):
    t = 0
    for i in range(n):
        s = Slotted(i)
        t += s.a + s.b
        s = Slotted(i, 1)
        t += s.a + s.b
    return t


print(build_slotted(1000))


def init_empty(self, v=9):
    self.v = v


# __init__ added to a class that had none, in the middle of a loop; then
# replaced, given new defaults, and removed again.
def build_changing(n):
    t = 0
    for i in range(n):
        if i == 200:
            Empty.__init__ = init_empty
        if i == 400:
            Empty.__init__ = lambda self: None
        if i == 600:
            del Empty.__init__
        e = Empty()
        t += getattr(e, "v", 1)
    return t


print(build_changing(800))


class Point:
    def __init__(self, x, y=0):
        self.x = x
        self.y = y


def points(n):
    return sum(Point(i).x + Point(i, 1).y for i in range(n))


print(points(1000))
Point.__init__.__defaults__ = (5,)
print(points(1000))
Point.__init__.__code__ = (lambda self, x, y=0: setattr(self, "x", -x) or setattr(self, "y", y)).__code__
print(points(1000))


def bad_init(self, x, y=0):
    return 3


Point.__init__ = bad_init
try:
    points(10)
except TypeError as e:
    print("TypeError:", e)


def gen_init(self, x, y=0):
    yield x


Point.__init__ = gen_init
try:
    points(10)
except TypeError as e:
    print("TypeError:", e)


# Bases changed under a hot instantiation site: __init__ now inherited.
class WithInit:
    def __init__(self):
        self.tag = "with"


class NoInitBase:
    pass


class Leaf(NoInitBase):
    pass


def tags(n):
    return [getattr(Leaf(), "tag", "none") for _ in range(n)]


print(tags(300).count("none"))
Leaf.__bases__ = (WithInit,)
print(tags(300).count("with"))

# One site, many kinds of callable.
kinds = [Counter, Empty, Slotted, int, make_adder, o.f, len, Point, WithInit]


def call_kinds(n):
    out = []
    for i in range(n):
        k = kinds[i % len(kinds)]
        try:
            out.append(type(k(1)).__name__)
        except TypeError as e:
            out.append("TypeError")
    return out


Point.__init__ = lambda self, x: None
r = call_kinds(900)
print(len(r), sorted(set(r)))

# Another thread replaces __init__ while this thread spins instantiating
# the class: the loop only ends once an instance shows the new __init__.
spinning = threading.Event()


class Spun:
    def __init__(self):
        self.version = 1


def replacer():
    spinning.wait()

    def init2(self):
        self.version = 2

    Spun.__init__ = init2


worker = threading.Thread(target=replacer)
worker.start()
spins = 0
while Spun().version == 1:
    spins += 1
    if spins == 1000:
        spinning.set()
worker.join()
print("replaced after spinning:", spins >= 1000, Spun().version)
