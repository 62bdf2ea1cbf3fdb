# Attributes of an imported module read in hot loops (math.sqrt, math.pi)
# become constants in tier 2; rebinding one must be seen at once, in the
# same loop, in a called function, and for a module replaced by another.
import math


def norms(n, swap_at):
    total = 0.0
    for i in range(n):
        if i == swap_at:
            math.sqrt = lambda x: -1.0
        total += math.sqrt(i * 1.0)
    return total


def scaled(n):
    total = 0.0
    for i in range(n):
        total += math.pi * i
        if i == n // 2:
            math.pi = 3.0
    return total


def root(x):
    return math.floor(x)


def floors(n):
    total = 0
    for i in range(n):
        if i == n - 3:
            math.floor = lambda x: 1000
        total += root(i + 0.5)
    return total


real_sqrt = math.sqrt
real_pi = math.pi
real_floor = math.floor
print(round(norms(3000, 2500), 6))
math.sqrt = real_sqrt
print(round(norms(3000, -1), 6))
print(round(scaled(4000), 3))
math.pi = real_pi
print(floors(3000))
math.floor = real_floor
print(floors(10))
math.floor = real_floor


def lengths(items):
    n = 0
    for s in items:
        n += len(s) + math.floor(0.5)
    return n


print(lengths(["ab", "c", "def"] * 2000))
try:
    math.sqrt = None
    print(norms(10, -1))
except TypeError as e:
    print("TypeError:", e)
