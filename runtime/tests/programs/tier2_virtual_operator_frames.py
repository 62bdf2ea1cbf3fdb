# Small operator methods (a + b with a's class defining __add__) that tier 2
# runs on virtual frames: a NotImplemented return (a TypeError, or the
# reflected method of a subclass operand), a guard that fails inside the
# method, an error raised in it, and a method that rebinds its operands
# must all give CPython's results.


class N:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        if o.v < 0:
            return NotImplemented
        return N(self.v + o.v)

    def __sub__(self, o):
        return self.v - o.v

    def __mul__(self, k):
        self = self.v
        k = k * 2
        return self * k


class M(N):
    def __radd__(self, o):
        return N(o.v - 1000)


def sums(values):
    acc = N(0)
    for v in values:
        acc = acc + v
    return acc.v


# The last items make __add__ return NotImplemented: M.__radd__ answers.
print(sums([N(k) for k in range(3000)] + [M(-1), N(5)]))
# Floats from the middle on: the addition's guard fails inside __add__.
print(sums([N(k) for k in range(2000)] + [N(0.5 * k) for k in range(1000)]))
# __add__ returns NotImplemented for an N of the same class: the TypeError.
try:
    sums([N(k) for k in range(3000)] + [N(-1)])
except TypeError as e:
    print("TypeError:", e)


def differences(pairs):
    t = 0
    for a, b in pairs:
        t += a - b
    return t


pairs = [(N(k), N(k // 2)) for k in range(3000)]
print(differences(pairs))
pairs.append((N(1), N("x")))
try:
    differences(pairs)
except TypeError as e:
    print("TypeError:", e)


def products(n):
    t = 0
    x = N(3)
    for k in range(n):
        t += x * k
    return t


print(products(3000))
