# Special methods added to (and removed from) a class, or a base class, after its
# instances were used: attribute access, hashing and equality follow at once.
class Base:
    pass


class Item(Base):
    def __init__(self, n):
        self.n = n


a = Item(1)
b = Item(1)
log = []
for step in range(6):
    a.n = step
    log.append(a.n)
    if step == 1:
        def loud_setattr(self, name, value):
            object.__setattr__(self, name, value * 10)
        Item.__setattr__ = loud_setattr
    if step == 3:
        del Item.__setattr__
print(log)

seen = []
for step in range(4):
    seen.append(a.n)
    if step == 1:
        def upper_get(self, name):
            return "via-base:" + name
        Base.__getattribute__ = upper_get
print(seen)
del Base.__getattribute__

print(a == b, len({a, b}))
Item.__eq__ = lambda self, other: True
Item.__hash__ = lambda self: 7
print(a == b, len({a, b}), hash(a))
Item.__hash__ = None
try:
    hash(a)
except TypeError as e:
    print("TypeError:", e)
