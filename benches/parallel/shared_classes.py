# Two workers call methods on instances of shared classes, read class
# attributes and shared module globals, and sum: one after the other on one
# thread ("serial") or at once on two threads ("threads"). Nothing is
# written that the other worker reads, so each checksum is the same either
# way. Hot loops here run in tier-2 executors that depend on the shared
# classes and globals.
from _two_workers import run

SCALE = 3
OFFSET = 11


class Shape:
    sides = 0

    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size

    def perimeter(self):
        return self.sides * self.size


class Square(Shape):
    sides = 4


class Triangle(Shape):
    sides = 3

    def area(self):
        return self.size * self.size // 2


def work(seed, n, out, slot):
    shapes = [Square(seed + k % 7) for k in range(4)] + [Triangle(seed + k % 5) for k in range(4)]
    acc = 0
    for i in range(n):
        s = shapes[i % 8]
        acc = (acc + s.area() * SCALE + s.perimeter() + OFFSET + s.sides) % 1000000007
    out[slot] = acc


run(work, 1000000)
