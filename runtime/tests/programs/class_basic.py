# Class definition, __init__, methods, instance attributes.
class Point:
    """A 2-D point."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)


p = Point(3, 4)
q = p.moved(1, -1)
print(p.x, p.y, p.norm2(), q.x, q.y, Point.__name__, Point.__doc__)
print(type(p).__name__, isinstance(p, Point), p.__class__ is Point)
bound = p.norm2
print(bound(), Point.norm2(q))
p.z = 10
print(sorted(vars(p).items()))
