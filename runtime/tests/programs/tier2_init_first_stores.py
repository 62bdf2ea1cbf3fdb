# Inlined __init__ bodies whose first stores go to a fresh instance: a name
# stored twice, a store on one path only, attributes added in different
# orders by two classes, and a subclass adding to its base's; the dicts must
# hold each name once, in the order CPython gives.


class Twice:
    def __init__(self, a, b):
        self.a = a
        self.b = b
        self.a = b
        self.c = self.a
        self.b = a


class Maybe:
    def __init__(self, x):
        self.x = x
        if x % 2:
            self.odd = True
        self.y = -x


class XY:
    def __init__(self, v):
        self.x = v
        self.y = v


class YX:
    def __init__(self, v):
        self.y = v
        self.x = v


class Base:
    def __init__(self, v):
        self.v = v


class Derived(Base):
    def __init__(self, v, w):
        self.w = w
        Base.__init__(self, v)
        self.v = v * 10


def run():
    total = 0
    last = []
    for i in range(2000):
        t = Twice(i, 1)
        m = Maybe(i)
        p = XY(i) if i % 3 else YX(i)
        d = Derived(i, -i)
        total += t.a + m.y + p.x + p.y + d.v + d.w
        if i % 500 == 499:
            last.append((vars(t), vars(m), vars(p), vars(d)))
    print(total)
    for entry in last:
        print(entry)


run()
