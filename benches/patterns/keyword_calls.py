# Calls with keyword arguments and defaults, to functions and methods.
def area(width, height=1, *, scale=1):
    return width * height * scale


class Shape:
    def __init__(self, sides, *, regular=True):
        self.sides = sides
        self.regular = regular

    def perimeter(self, length, *, factor=1):
        return self.sides * length * factor


def main():
    total = 0
    for i in range(800000):
        total += area(i, scale=2) + area(width=i, height=3)
        s = Shape(4, regular=False)
        total += s.perimeter(length=i, factor=2)
    print(total)


main()
