# Operators, builtins and super() on list and dict subclasses, with and
# without Python overrides of the dunders.
class L(list):
    pass
l = L([3, 1, 2])
print(l, repr(l), str(l), len(l), type(l).__name__, isinstance(l, list), type(l) is L)
l.tag = "x"
print(l.tag, l.__dict__, vars(l))
l.sort(); print(l, l == [1, 2, 3], l != [1, 2, 3], l < [5], l + [4], [0] + l, l * 2, 2 in l, list(l), tuple(l))
l += [9]; print(l, type(l).__name__)
l *= 2; print(l, type(l).__name__)
l[0] = 100; del l[1]; print(l, l[::2], l[-1], bool(L()), bool(l))
for x in l: print(x, end=" ")
print()
a, *b = l; print(a, b)
print(sorted(l), max(l), sum(l), list(reversed(l)), l.index(9), l.count(9))
try: hash(l)
except TypeError as e: print("TypeError:", e)
try: {l: 1}
except TypeError as e: print("TypeError:", e)

class D(dict):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.extra = 1
    def __setitem__(self, k, v):
        super().__setitem__(k, v * 10)
d = D({"a": 1}, b=2)
d["c"] = 3
print(d, d.extra, len(d), list(d), d.keys(), d.items(), d.get("c"), "a" in d, d == {"a": 1, "b": 2, "c": 30})
d.update(z=5); print(d)
print(dict(d), type(d.copy()).__name__, {**d})
del d["a"]; print(d, d.pop("b"), d)
class E(dict): pass
e = E(); e[1] = 2; print(e, repr(e), bool(e), bool(E()))
print(E(a=1) | {"b": 2}, type(E(a=1) | {"b": 2}).__name__)
class R(list):
    def __iter__(self):
        yield from ("overridden", len(self))
    def __len__(self): return 42
    def __contains__(self, x): return x == "yes"
    def __getitem__(self, i): return ("item", i)
r = R([1, 2])
print(list(r), len(r), "yes" in r, 1 in r, r[5], r[1:2], bool(r), list.__len__(r), list.__getitem__(r, 0))
print(sorted(r, key=str), [*r], tuple(r), dict.fromkeys(r))
class H(list):
    def __hash__(self): return 7
print(hash(H()), {H(): 1})
try:
    class Bad(list, dict): pass
except TypeError as e: print("TypeError:", e)
class Both(L, list): pass
print(Both([1]))
print(list.__repr__([1]), dict.__len__({1: 2}))
try: list.__len__({})
except TypeError as e: print("TypeError:", e)
print(L.__mro__, L.__bases__)
class A(list):
    def __repr__(self): return "A!"
print([A()], {"k": A()}, str(A()), f"{A()}")
class M(dict):
    def __missing__(self, k):
        self[k] = v = [k]
        return v
m = M(); m["q"].append(1); print(m, m.get("zz"), "zz" in m)
