# A template-method pattern with NotImplementedError.
class Shape:
    def area(self):
        raise NotImplementedError("subclass must implement area")

    def report(self):
        return f"{type(self).__name__}: {self.area():.2f}"


class Square(Shape):
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s * self.s


class Circle(Shape):
    def __init__(self, r):
        self.r = r

    def area(self):
        return 3.14159 * self.r * self.r


for s in [Square(2), Circle(1.5), Shape()]:
    try:
        print(s.report())
    except NotImplementedError as exc:
        print("NotImplementedError:", exc)
