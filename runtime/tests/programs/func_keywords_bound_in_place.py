# Calls with keyword arguments bound in place (no *args/**kwargs, names
# matching free parameters, defaults for the rest) and every case that
# falls back to the general binding: its errors, changed defaults, varargs.
def f(a, b=2, *, c=3):
    return (a, b, c)
def g(a, b, c=30, d=40, *, e, f=60, g=70):
    return (a, b, c, d, e, f, g)
def many(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10):
    return a + b + c + d + e + f + g + h + i + j
class K:
    def __init__(self, x, y=5, *, z=9):
        self.t = (x, y, z)
    def m(self, p, q=1, *, r=2):
        return (p, q, r)
print(f(1, c=5), f(1, b=7), f(a=1), f(c=0, a=2, b=1), f(1, 2, c=4))
print(g(1, 2, e=5), g(1, b=2, e=5, g=0), g(1, 2, 3, e=1, d=9), g(e=1, b=2, a=3))
print(many(j=1), many(1, 2, j=0, i=0, h=0, g=0, f=0, e=0, d=0, c=0))
print(K(1, z=3).t, K(x=2).t, K(1, y=2).t, K(1).m(5, r=0), K(1).m(q=3, p=4))
for bad in [lambda: f(1, a=2), lambda: f(1, d=2), lambda: f(b=3), lambda: g(1, 2), lambda: g(1, e=2),
            lambda: f(1, 2, 3), lambda: K(y=1), lambda: K(1).m(1, p=2)]:
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)
f.__kwdefaults__ = {"c": 100}
print(f(1), f(1, b=0))
f.__defaults__ = (50,)
print(f(1), f(a=1, c=1))
f.__kwdefaults__ = None

try:
    f(1, b=2)
except TypeError as e:
    print("TypeError:", e)
f.__kwdefaults__ = {"c": 3}
h = lambda x, *, y=2: x * y
print(h(3, y=4), h(x=5))
def var(a, *args, k=1, **kw):
    return (a, args, k, kw)
print(var(1, 2, 3, k=4, z=5), var(a=1), var(1, k=2))
total = 0
for i in range(3000):
    total += sum(f(i, c=i)) + sum(f(i, b=1)) + sum(g(i, 1, e=2))
print(total)
