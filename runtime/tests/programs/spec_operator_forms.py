# Tier 1: the operator forms added for mixed numbers, sequences and
# instances' operator methods specialize on hot loops, then meet other
# operands, a changed class, a changed method and another thread changing
# the class in the middle of a loop; every result must be the generic one.
import threading


def mixed(xs, k):
    # float op int, int op float, int / int, ** with int and float exponents.
    total = 0.0
    for x in xs:
        total += x * k + k / 4 - x ** 2 + 2 ** k
    return total


print(mixed([0.5] * 500 + [3] * 5 + [0.25] * 50, 3))
print(mixed(list(range(300)), 2))
print(mixed([1.5] * 300 + [10 ** 20], 1))


def powers(pairs):
    out = []
    for b, e in pairs:
        out.append(b ** e)
    return out


print(powers([(2, 10)] * 200 + [(2, -1), (2, 60), (-2, 3), (0, 0)])[-4:])
print(powers([(1.5, 2.0)] * 200 + [(-8.0, 3), (0.0, 2), (4, 0.5), (2.0, 0.5)])[-4:])
for bad in [(0.0, -1.0), (0, -1)]:
    try:
        powers([(2.0, 3.0)] * 200 + [bad])
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)


def divide(xs, d):
    out = []
    for x in xs:
        out.append(x / d)
    return out


print(sum(divide(list(range(1000)), 7)), divide([7] * 20 + [7.5], 2)[-2:])
try:
    divide([1] * 100 + [2], 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)


def count_below(xs, limit):
    n = 0
    for x in xs:
        if x < limit:
            n += 1
        if limit >= x:
            n += 100
    return n


nan = float("nan")
print(count_below([0.5, 1.5] * 300 + [1, 2, nan, True, 10 ** 30], 1))
print(count_below(list(range(600)) + [0.5, nan], 300.0))


def in_place(n):
    # x += 1, s += "a", f *= 2.0 and lst += [...] take their plain forms.
    x = 0
    s = ""
    f = 1.0
    lst = []
    same = lst
    for i in range(n):
        x += 1
        s += "a"
        f *= 1.001
        lst += [i]
    return x, len(s), round(f, 6), len(lst), lst is same


print(in_place(500))


def concat(parts):
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


print(len(concat([[1, 2]] * 400)), len(concat([(1,)] * 400)))
try:
    concat([[1]] * 300 + [(2,)])
except TypeError as e:
    print("TypeError:", e)
try:
    concat([(1,)] * 300 + [[2]])
except TypeError as e:
    print("TypeError:", e)


class Padded(list):
    def __add__(self, other):
        return Padded(list(self) + other + [0])


print(len(concat([[1]] * 300 + [Padded([5])] + [[2]] * 3)))
print(concat([Padded([5])] + [[2]] * 300)[-4:])


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        if isinstance(o, Vec):
            return Vec(self.x + o.x, self.y + o.y)
        if o == 99:
            return NotImplemented
        return Vec(self.x + o, self.y + o)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __repr__(self):
        return f"Vec({self.x}, {self.y})"


def walk(start, steps):
    v = start
    for s in steps:
        v = v + s
        v = v * 1
    return v


print(walk(Vec(0, 0), [Vec(1, 2)] * 300 + [3, 0.5] * 100))
try:
    walk(Vec(0, 0), [Vec(1, 1)] * 300 + [99])
except TypeError as e:
    print("TypeError:", e)
try:
    walk(Vec(0, 0), [1] * 300 + ["x"])
except TypeError as e:
    print("TypeError:", type(e).__name__)


class Tagged:
    def __radd__(self, other):
        return "radd"


print(walk(Vec(0, 0), [Vec(1, 1)] * 300 + [2]), Vec(0, 0) + Tagged())


# The class changes mid-loop: a new __add__, then an in-place method.
def bump(v, n):
    for i in range(n):
        v += 1
        if i == 200:
            Vec.__add__ = lambda self, o: Vec(self.x + 10 * o, self.y)
        if i == 400:
            Vec.__iadd__ = lambda self, o: Vec(self.x, self.y - o)
    return v


saved = Vec.__add__
print(bump(Vec(0, 0), 600))
Vec.__add__ = saved
del Vec.__iadd__


# The method's code is replaced mid-loop by one with another parameter,
# then the parameter gets a default.
def fancy_mul(self, k, bonus):
    return Vec(self.x * k + bonus, self.y)


def scale_all(v, n):
    for i in range(n):
        try:
            v = v * 1
        except TypeError as e:
            print(i, "TypeError:", e)
            Vec.__mul__.__defaults__ = (1000,)
        if i == 300:
            Vec.__mul__.__code__ = fancy_mul.__code__
    return v


original_code = Vec.__mul__.__code__
print(scale_all(Vec(1, 1), 500))
Vec.__mul__.__code__ = original_code
Vec.__mul__.__defaults__ = None


class Sub(Vec):
    pass


# Another class's instance on the left: a subclass, then a plain instance
# without the operator.
print(walk(Vec(0, 0), [Vec(1, 1)] * 300 + [Sub(1, 1)] * 3))
print(walk(Sub(0, 0), [Sub(1, 1)] * 300 + [Vec(5, 5)]))
try:
    walk(object(), [1])
except TypeError as e:
    print("TypeError:", e)


# Another thread swaps the operator method while this one loops on it.
class Counter:
    def __init__(self, n):
        self.n = n

    def __add__(self, k):
        return Counter(self.n + k)


def plus_two(self, k):
    return Counter(self.n + 2 * k)


started = threading.Event()
swapped = threading.Event()


def swapper():
    started.wait()
    Counter.__add__ = plus_two
    swapped.set()


def count_up(c, n):
    for i in range(n):
        c = c + 1
        if i == 200:
            started.set()
            swapped.wait()
    return c


t = threading.Thread(target=swapper)
t.start()
print(count_up(Counter(0), 400).n)
t.join()
