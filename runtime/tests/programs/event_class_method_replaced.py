# Event "class attribute set": a method called in a hot loop is replaced on the class mid-loop.
class Shape:
    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size


def doubled_area(self):
    return 2 * self.size * self.size


shapes = [Shape(i % 7) for i in range(100)]
total = 0
for round_ in range(300):
    for s in shapes:
        total += s.area()
    if round_ == 100:
        Shape.area = doubled_area
    if round_ == 200:
        Shape.area = lambda self: -1
print(total)
