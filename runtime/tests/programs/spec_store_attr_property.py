# StoreAttrProperty: a store through a property's setter specializes on the
# class version; a setter that raises, a property without a setter, a
# subclass, and a property replaced on the class mid-loop behave as in CPython.
class T:
    def __init__(self):
        self._c = 0.0
    @property
    def f(self):
        return self._c * 2
    @f.setter
    def f(self, v):
        if v < 0:
            raise ValueError("negative")
        self._c = v / 2
    @property
    def ro(self):
        return 1
class S(T):
    pass
def run(obj, n):
    for i in range(n):
        obj.f = obj.f + 1
    return obj.f
t = T()
print(run(t, 3000), run(S(), 3000))
try:
    for i in range(100):
        t.ro = i
except AttributeError as e:
    print("AttributeError:", e)
try:
    for i in range(100):
        t.f = 50 - i
except ValueError as e:
    print("ValueError:", e, t.f)
# Replace the property on the class mid-loop: the store goes to the dict.
def swap(obj, n):
    for i in range(n):
        obj.f = i
        if i == 1000:
            T.f = 5
    return obj.__dict__.get("f"), T.f
print(swap(T(), 2000))
class U:
    def __init__(self):
        self.log = []
    def _set(self, v):
        self.log.append(v)
    x = property(None, _set)
u = U()
for i in range(50):
    u.x = i
print(len(u.log), u.log[-1])
try:
    u.x
except AttributeError as e:
    print("AttributeError:", e)
