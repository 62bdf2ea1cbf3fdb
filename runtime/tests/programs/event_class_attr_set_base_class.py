# Event "class attribute set" on a base class: instances of subclasses see it through the MRO.
class Base:
    rate = 10


class Derived(Base):
    pass


class Leaf(Derived):
    pass


obj = Leaf()
seen = []
total = 0
for i in range(20000):
    total += obj.rate
    if i == 5000:
        Base.rate = 20
    if i == 10000:
        Derived.rate = 30
    if i == 15000:
        del Derived.rate
    if i % 5000 == 1:
        seen.append(obj.rate)
print(total, seen, obj.rate)
