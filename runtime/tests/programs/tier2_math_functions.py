# Calls of math's functions of one float inside hot loops (tier 2 runs
# them as one micro-op each): floats and ints take the fast path; other
# arguments, domain and range errors, and a rebound name go through the
# ordinary call and give CPython's results.
import math


class Point:
    def __init__(self, i):
        self.x = math.sin(i)
        self.y = math.cos(i) * 3
        self.r = math.sqrt(abs(self.x) + abs(self.y))

    def norm(self):
        return math.sqrt(self.x * self.x + self.y * self.y)


def total(points):
    t = 0.0
    for p in points:
        t += p.norm() + p.r
    return t


def roots(xs):
    t = 0.0
    for x in xs:
        t += math.sqrt(x)
    return t


def exps(xs):
    t = 0.0
    for x in xs:
        t += math.exp(x)
    return t


points = [Point(i) for i in range(3000)]
print("%.6f" % total(points))
print("%.6f" % roots([4.0] * 3000 + [9, 2 ** 70, True, -0.0]))
for bad in ([1.0] * 3000 + [-1.0], [1.0] * 3000 + ["x"], [1.0] * 3000 + [10 ** 400]):
    try:
        print(roots(bad))
    except (ValueError, TypeError, OverflowError) as e:
        print(type(e).__name__, e)
try:
    print(exps([0.5] * 3000 + [1000.0]))
except OverflowError as e:
    print("OverflowError", e)
print(exps([0.0] * 3000 + [float("-inf")]), roots([0.0] * 3000 + [float("inf")]))


def sines(xs):
    t = 0.0
    for x in xs:
        t += math.sin(x)
    return t


try:
    print(sines([0.0] * 3000 + [float("inf")]))
except ValueError as e:
    print("ValueError", e)
print(sines([0.0] * 3000 + [float("nan")]))
print(roots([1.0] * 3000 + [float("nan")]))

from math import sqrt as root


def direct(n):
    t = 0.0
    for i in range(n):
        t += root(i)
    return t


print("%.6f" % direct(3000))
math.sqrt = lambda x: -x
print(roots([1.0] * 3000))
