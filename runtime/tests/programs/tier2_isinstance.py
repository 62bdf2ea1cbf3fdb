# isinstance inside hot loops and inlined methods: tier 2 answers a class
# argument natively; a tuple of classes, a non-class, subclasses, bools as
# ints, and the builtin rebound mid-loop behave as in CPython.
import builtins


class Base:
    pass


class Derived(Base):
    pass


class Num:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        if isinstance(o, Num):
            return Num(self.v + o.v)
        return Num(self.v + o)


def classify(n):
    items = [1, True, 2.5, "s", Base(), Derived(), None, [1], (2,)]
    counts = [0] * 6
    for i in range(n):
        x = items[i % len(items)]
        if isinstance(x, int):
            counts[0] += 1
        if isinstance(x, Base):
            counts[1] += 1
        if isinstance(x, Derived):
            counts[2] += 1
        if isinstance(x, (list, tuple)):
            counts[3] += 1
        if isinstance(x, object):
            counts[4] += 1
        if isinstance(x, bool):
            counts[5] += 1
    return counts


def adds(n):
    t = Num(0)
    one = Num(1)
    for i in range(n):
        t = t + (one if i % 2 else i)
    return t.v


def bad(n):
    errors = 0
    for i in range(n):
        try:
            isinstance(i, 3 if i % 100 == 0 else int)
        except TypeError as e:
            errors += 1
            msg = str(e)
    return errors, msg


def rebound(n):
    real = builtins.isinstance
    t = 0
    for i in range(n):
        if isinstance(i, int):
            t += 1
        if i == n // 2:
            builtins.isinstance = lambda a, b: False
    builtins.isinstance = real
    return t


print(classify(3000))
print(adds(3000))
print(bad(3000))
print(rebound(3000))
