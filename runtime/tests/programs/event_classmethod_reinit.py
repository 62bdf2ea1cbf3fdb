# Event "descriptor mutated": a classmethod's __init__ is called again with another function.
class Factory:
    base = 3

    @classmethod
    def make(cls):
        return cls.base


def make_twice(cls):
    return cls.base * 2


total = 0
for i in range(20000):
    total += Factory.make()
    if i == 10000:
        Factory.__dict__["make"].__init__(make_twice)
print(total, Factory.make())
