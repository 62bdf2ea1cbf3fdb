# super() in __init__, regular methods, classmethods and with explicit arguments.
class Base:
    def __init__(self, x):
        self.x = x
        self.trail = ["Base"]

    def value(self):
        return self.x

    @classmethod
    def create(cls, x):
        return cls(x)


class Mid(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y
        self.trail.append("Mid")

    def value(self):
        return super().value() + self.y


class Leaf(Mid):
    def __init__(self, x):
        super(Leaf, self).__init__(x, 100)
        self.trail.append("Leaf")

    def value(self):
        return super().value() * 2

    @classmethod
    def create(cls, x):
        obj = super().create(x)
        obj.trail.append("created")
        return obj


leaf = Leaf.create(1)
print(leaf.value(), leaf.trail, type(leaf).__name__)
print(super(Mid, leaf).value())
