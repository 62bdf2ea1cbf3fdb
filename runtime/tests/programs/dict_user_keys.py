# User __eq__/__hash__ keys in dicts and sets (lookups, stores, deletes, literals); __eq__ without __hash__ makes a class unhashable.
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self):
        return hash((self.x, self.y))

    def __repr__(self):
        return f"P({self.x}, {self.y})"


d = {}
for i in range(20):
    d[Point(i % 5, 0)] = i
print(len(d), d[Point(3, 0)], Point(4, 0) in d, d.get(Point(9, 9), "none"))
del d[Point(0, 0)]
print(sorted(p.x for p in d), d.pop(Point(1, 0)), len(d))
s = set()
for i in range(10):
    s.add(Point(i % 3, i % 3))
print(len(s), Point(2, 2) in s)
s.discard(Point(1, 1))
s.remove(Point(0, 0))
print(s)
print({Point(1, 2): "a", Point(1, 2): "b"})


class Big:
    def __hash__(self):
        return 2 ** 70


print(hash(Big()) == hash(2 ** 70))


class EqOnly:
    def __eq__(self, other):
        return False


class Child(EqOnly):
    pass


for cls in (EqOnly, Child):
    try:
        {cls(): 1}
    except TypeError as e:
        print("TypeError:", e)
