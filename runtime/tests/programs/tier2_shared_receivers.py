# One tier-2 guard for a call site whose receivers' classes (two to four)
# all resolve the method to one function, or whose instance attributes
# live in the instance dict whatever the class: the guard must still fail
# for a fifth class, for a class whose attributes change (a new version),
# and for a subclass that overrides the method.


class Base:
    def __init__(self, v):
        self.v = v

    def value(self):
        return self.v * 2


class A(Base):
    pass


class B(Base):
    pass


class C(Base):
    pass


class E(Base):
    pass


class D(Base):
    def value(self):
        return -self.v


def total(items, n):
    t = 0
    for i in range(n):
        o = items[i % len(items)]
        t += o.value() + o.v
    return t


three = [A(1), B(2), C(3)]
print("three classes", total(three, 3000))
print("a fourth that overrides", total(three + [D(4)], 3000))
print("back to three", total(three, 3000))
four = three + [E(5)]
print("four classes", total(four, 3000))
print("a fifth that overrides", total(four + [D(4)], 3000))
print("back to four", total(four, 3000))
B.value = lambda self: 100
print("a class attribute set on one", total(three, 3000))


def mutate(n):
    items = [A(1), B(2)]
    t = 0
    for i in range(n):
        o = items[i % 2]
        t += o.value()
        if i == n // 2:
            A.value = lambda self: 1000
    return t


print("set while looping", mutate(3000))


def shadow(n):
    items = [A(1), C(3)]
    t = 0
    for i in range(n):
        o = items[i % 2]
        t += o.value()
        if i == n // 2:
            items[1].value = lambda: 7
    return t


print("an instance shadows the method", shadow(3000))


class Slots:
    def __init__(self):
        self.a = 1
        self.b = 2
        self.c = 3


def positions(n):
    o = Slots()
    t = 0
    for i in range(n):
        t += o.b * 10 + o.c
        o.b = o.b + 1
        if i == n // 3:
            # The attribute moves within the dict: a remembered position no
            # longer holds it.
            del o.b
            o.b = 100
        if i == 2 * n // 3:
            o = Slots()
            del o.a
    return t


print("attribute positions", positions(3000))


def missing(n):
    o = Slots()
    t = 0
    for i in range(n):
        if i == n - 5:
            del o.c
        try:
            t += o.c
        except AttributeError:
            t -= 1
    return t


print("an attribute that goes", missing(3000))
