# Construction, attributes, slots, properties and cycles of list and dict
# subclass instances.
class L(list):
    pass
l = L([1,2])
print(l.__class__, L.__name__, l.__dict__)
print(dir(l) == dir(L([3])), "append" in dir(l))
l2 = L()
print(l2, L(range(3)), L("ab"))
try: L(1, 2)
except TypeError as e: print("TypeError:", e)
try: L(x=1)
except TypeError as e: print("TypeError:", e)
class D(dict): pass
print(D(), D([(1, 2)]), D(a=1), D({"a": 1}, b=2))
try: D(1)
except TypeError as e: print("TypeError:", e)
class Init(list):
    def __init__(self, n):
        self.n = n
print(Init(3), Init(3).n, len(Init(3)))
class Slot(list):
    __slots__ = ("a",)
s = Slot(); s.a = 1; print(s.a, s)
class Prop(dict):
    @property
    def size(self): return len(self)
p = Prop(a=1); print(p.size)
x = L([1]); x.append(x); print(x)
y = D(); y["me"] = y; print(y)
print(isinstance(L(), L), issubclass(L, list), L() is not L())
class Sub2(L):
    def __repr__(self): return "Sub2" + list.__repr__(self)
print(Sub2([1, 2]), [Sub2()])
def f(*a, **k): return a, k
print(f(*L([1, 2]), **D(a=3)))
print([v * 2 for v in L([1, 2])], {k: v for k, v in D(a=1).items()})
print(str(L()), format(L([1])), "%s" % L([5]), f"{D(a=1)!r}")
print(L([1, 2]) == L([1, 2]), D(a=1) == D(a=1), L([1]) < L([2]))
print(set(L([1, 1, 2])), frozenset(D(a=1)), min(D(b=1, a=2)))
