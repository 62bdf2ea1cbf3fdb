# Method calls whose receivers are of several classes with different
# methods (a polymorphic call site): tier 2 loads the method through tier
# 1's cache and inlines each class's method behind a check of the
# receiver's class version, with the generic call for any other receiver.
# Every way that can stop holding must give CPython's results.


class Shape:
    def __init__(self, size):
        self.size = size


class Square(Shape):
    def area(self, k):
        return self.size * self.size * k


class Circle(Shape):
    def area(self, k):
        return self.size * self.size * 3 * k


class Triangle(Shape):
    def area(self, k):
        return self.size * self.size // 2 * k


class Line(Shape):
    def area(self, k):
        return 0


class Blob(Shape):
    def area(self, k):
        return -k


def total(items, n):
    t = 0
    for i in range(n):
        t += items[i % len(items)].area(2)
    return t


two = [Square(2), Circle(3)]
four = [Square(2), Circle(3), Triangle(5), Line(1)]
print("two classes", total(two, 4000))
print("four classes", total(four, 4000))
print("a fifth class", total(four + [Blob(1)], 4000))
print("back to four", total(four, 4000))


circle_area = Circle.area


def replaced_mid_loop(n):
    items = [Square(2), Circle(3), Triangle(4)]
    t = 0
    for i in range(n):
        t += items[i % 3].area(1)
        if i == n // 2:
            Circle.area = lambda self, k: 1000
    return t


print("a method replaced while looping", replaced_mid_loop(4000))
Circle.area = circle_area


def class_reassigned(n):
    items = [Square(2), Circle(3)]
    t = 0
    for i in range(n):
        t += items[i % 2].area(1)
        if i == n // 2:
            items[0].__class__ = Blob
    return t


print("a receiver's class reassigned", class_reassigned(4000))


# The method is loaded before the arguments are evaluated: an argument
# that replaces it must not change which method this call runs.
class P:
    def f(self, x):
        return x + 1


class Q:
    def f(self, x):
        return x + 2


def swap_methods():
    P.f = lambda self, x: x + 100
    return 0


def loaded_before_arguments(n):
    items = [P(), Q()]
    t = 0
    for i in range(n):
        o = items[i % 2]
        t += o.f(swap_methods() if i == n - 2 else i)
    return t


print("loaded before the arguments", loaded_before_arguments(4000))


class R:
    @property
    def arg(self):
        if self.swap:
            S.f = lambda self, x: x + 300
        return 1

    def f(self, x):
        return x + 3


class S(R):
    def f(self, x):
        return x + 4


def loaded_before_a_property(n):
    items = [R(), S()]
    items[0].swap = False
    items[1].swap = False
    t = 0
    for i in range(n):
        o = items[i % 2]
        if i == n - 3:
            o.swap = True
        t += o.f(o.arg)
    return t


print("loaded before a property's getter ran", loaded_before_a_property(4000))


# A guard failing inside an inlined method, and an exception raised in
# one, with the traceback's frames intact.
class Num:
    def __init__(self, v):
        self.v = v

    def scaled(self, k):
        return self.v * k


class Neg(Num):
    def scaled(self, k):
        return -self.v * k


def scaled_sum(items, n):
    t = 0
    for i in range(n):
        t = t + items[i % len(items)].scaled(3)
    return t


print("ints", scaled_sum([Num(1), Neg(2)], 4000))
print("a float inside", scaled_sum([Num(1), Neg(2.5)], 4000))


class Bad(Num):
    def scaled(self, k):
        return self.v // (k - 3)


try:
    scaled_sum([Num(1), Neg(2), Bad(3)], 4000)
except ZeroDivisionError as e:
    print("raised inside a polymorphic method:", e)


# Deep recursion through a polymorphic call keeps the recursion limit.
class Walker:
    def walk(self, d):
        return d


class Deep:
    def walk(self, d):
        return walkers[d % 2].walk(d + 1) if d < 50 else d


walkers = [Walker(), Deep()]


def walks(n):
    t = 0
    for i in range(n):
        t += walkers[i % 2].walk(i % 7)
    return t


print("recursive polymorphic calls", walks(4000))


# Builtin methods through tier 1's cache, and a receiver of another type.
class MyList(list):
    pass


def appends(n):
    lists = [[], []]
    for i in range(n):
        lists[i % 2].append(i)
    other = [[], MyList()]
    for i in range(n):
        other[i % 2].append(i % 256)
    return sum(lists[0]) + sum(lists[1]) + sum(other[0]) + sum(other[1])


print("builtin methods", appends(4000))


# Last: past its threshold, replacing code stops inlining anywhere.
def code_replaced(n):
    items = [Square(2), Triangle(4)]
    t = 0
    for i in range(n):
        t += items[i % 2].area(1)
        if i == n // 2:
            Square.area.__code__ = Line.area.__code__
    return t


print("a method's code replaced while looping", code_replaced(4000))
