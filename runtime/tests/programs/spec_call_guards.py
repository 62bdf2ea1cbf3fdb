# Tier 1: call sites specialize on one function or class, then meet others,
# functions whose code or defaults are replaced, classes whose __init__
# changes, receivers with and without `self`, in the middle of hot loops.
def add(a, b):
    return a + b


def mul(a, b):
    return a * b


def run(fs, n):
    t = 0
    for i in range(n):
        t += fs[i % len(fs)](i, 3)
    return t


print(run([add], 2000), run([add, mul], 2000), run([add, mul, lambda a, b: a - b], 2001))
add.__code__ = mul.__code__
print(run([add], 2000))
add.__code__ = (lambda a, b: a + b + 1).__code__
print(run([add], 2000))


def scaled(x, k=2):
    return x * k


def run_scaled(n):
    return sum(scaled(i) for i in range(n))


print(run_scaled(1000))
scaled.__defaults__ = (5,)
print(run_scaled(1000))


class Box:
    def __init__(self, v):
        self.v = v


def make(n):
    return sum(Box(i).v for i in range(n))


print(make(1000))


def init_twice(self, v):
    self.v = v * 2


Box.__init__ = init_twice
print(make(1000))


class Child(Box):
    pass


def make_mixed(n):
    classes = [Box, Child, lambda v: Box(v + 1)]
    return sum(classes[i % 3](i).v for i in range(n))


print(make_mixed(999))


class Shape:
    def area(self):
        return 1


class Square(Shape):
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s * self.s


class Circle(Shape):
    def area(self):
        return 3


def areas(shapes):
    return sum(s.area() for s in shapes)


shapes = [Square(i % 5) for i in range(300)] + [Circle() for _ in range(300)] + [Shape()] * 300
print(areas(shapes))
Square.area = lambda self: -1
print(areas(shapes))
try:
    run([add, (lambda a: a)], 10)
except TypeError as e:
    print("TypeError:", e)
