# Constructor calls of plain classes in hot loops: tier 2 calls their
# __init__ directly, and inlines a small one that returns None on every
# path. Each way the assumption can break, or the inlined body can leave,
# must give CPython's results.


class Point:
    def __init__(self, x, y=0.0):
        self.x = x
        self.y = y * 2


def make(n):
    out = []
    for i in range(n):
        out.append(Point(i, i + 0.5))
    return out


def remake(n):
    total = 0.0
    for i in range(n):
        if i == n // 2:
            def other(self, x, y=1.0):
                self.x = -x
                self.y = y
            Point.__init__ = other
        p = Point(i)
        total += p.x + p.y
    return total


class Scaled:
    def __init__(self, v):
        self.v = v * 3
        if self.v is None:
            return
        self.w = self.v


def scale(items):
    acc = []
    for v in items:
        acc.append(Scaled(v).w)
    return acc[-3:]


class Checked:
    def __init__(self, v):
        if v < 0:
            raise ValueError("negative: %d" % v)
        self.v = v


def check(n):
    total = 0
    for i in range(n, -5, -1):
        total += Checked(i).v
    return total


class Returns:
    def __init__(self, v):
        self.v = v
        if v == 2999:
            return v


def returns(n):
    last = None
    for i in range(n):
        last = Returns(i)
    return last.v


class Base:
    def __init__(self, a):
        self.a = a


class Derived(Base):
    pass


def derive(n):
    total = 0
    for i in range(n):
        if i == n - 10:
            Base.__init__ = lambda self, a: setattr(self, "a", 1000)
        total += Derived(i).a
    return total


class Other:
    def __init__(self, a):
        self.a = -a


class Switch(Base):
    pass


def switch(n):
    total = 0
    for i in range(n):
        if i == n // 3:
            Switch.__bases__ = (Other,)
        total += Switch(i).a
    return total


class Item:
    def __init__(self, k):
        self.k = k


def items(n):
    global Item
    total = 0
    for i in range(n):
        if i == n - 5:
            Item = lambda k: Point(k * 100)
        r = Item(i)
        total += r.k if hasattr(r, "k") else r.x
    return total


class Node:
    def __init__(self, depth):
        self.child = Node(depth - 1) if depth > 0 else None


def nodes(n):
    count = 0
    for i in range(n):
        Node(3)
        count += 1
    return count



def main():
    pts = make(3000)
    print(len(pts), pts[-1].x, pts[-1].y, type(pts[0]).__name__)

    # __init__ replaced while the loop runs (a class attribute set).
    print(remake(3000))

    # A guard fails inside the inlined __init__: an int then a str operand.
    print(scale([1.5] * 3000 + [2, "ab", (1,)]))

    # An __init__ that raises, and one that returns a value (TypeError).
    try:
        check(3000)
    except ValueError as e:
        print("ValueError:", e)

    try:
        returns(3000)
    except TypeError as e:
        print("TypeError:", e)

    # A base's __init__ (through the class's MRO), then the base changes it.
    print(derive(3000))

    # __bases__ reassigned while the loop runs.
    print(switch(3000))

    # The class global rebound to a function mid-loop.
    print(items(3000))

    # Deep recursion through constructors is a RecursionError, not a crash.
    print(nodes(3000))
    try:
        Node(100000)
    except RecursionError:
        print("RecursionError")



# Everything runs after the module defined its names: the globals it
# stores while executors exist stay below their event threshold.
main()
