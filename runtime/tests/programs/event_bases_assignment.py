# Event "class bases / MRO set": C.__bases__ is reassigned mid-loop, changing inherited lookups.
class First:
    def value(self):
        return 1


class Second:
    def value(self):
        return 100


class Child(First):
    pass


obj = Child()
total = 0
for i in range(30000):
    total += obj.value()
    if i == 10000:
        Child.__bases__ = (Second,)
    if i == 20000:
        Child.__bases__ = (First,)
print(total, [k.__name__ for k in Child.__mro__])
