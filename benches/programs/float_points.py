# float points: many small objects with __slots__, trigonometry, normalisation and
# a running maximum. Prints the component-wise maximum point.
# Size of the run (tuned for about 1.3 s on /usr/bin/python3.11); lower it for quick runs.
ROUNDS = 30

import math


class Point:
    __slots__ = ("x", "y", "z")

    def __init__(self, i):
        self.x = x = math.sin(i)
        self.y = math.cos(i) * 3
        self.z = (x * x) / 2

    def __repr__(self):
        return "<Point: x=%s, y=%s, z=%s>" % (self.x, self.y, self.z)

    def normalize(self):
        x = self.x
        y = self.y
        z = self.z
        norm = math.sqrt(x * x + y * y + z * z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def maximize(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


def maximize(points):
    best = points[0]
    for p in points[1:]:
        best = best.maximize(p)
    return best


def run(count):
    points = [Point(i) for i in range(count)]
    for p in points:
        p.normalize()
    return maximize(points)


def main(rounds, count):
    best = None
    for _ in range(rounds):
        best = run(count)
    print(best)


main(ROUNDS, 100000)
