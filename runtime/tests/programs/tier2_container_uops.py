# Tier-2 micro-ops with a native fast path and a generic fallback: set
# displays, 'in' on dicts and sets, two-item unpacking, with user keys,
# user containers and iterators mixed in (the fallback may run Python).
class K:
    def __init__(self, v): self.v = v
    def __hash__(self): return hash(self.v)
    def __eq__(self, o): return isinstance(o, K) and o.v == self.v
class C:
    def __contains__(self, x): return x == 3
def f(n):
    s = set()
    d = {1: 2, "a": 3}
    t = 0
    for i in range(n):
        s2 = {i % 7, i % 5, K(i % 3)}
        t += len(s2)
        if i % 4 in s: t += 1
        if "a" in d: t += 2
        if K(1) in s2: t += 5
        if i % 5 in C() if i > 100 else i in d: t += 7
        a, b = (i, i + 1) if i % 2 else [i, 2]
        t += a + b
        if (1.5 not in s): t += 1
    return t
print(f(3000))
def g(n):
    t = 0
    for i in range(n):
        a, b = iter((i, 1)) if i > 2000 else (i, 2)
        t += a * b
    return t
print(g(3000))
# dict[key] natively for int, float and str keys; a missing key, a user
# key (equal to an int key) and a dict subclass take tier 1's way.
class D(dict):
    def __missing__(self, key): return -1
    def __getitem__(self, key): return 100 + dict.__getitem__(self, key)
def h(n):
    d = {i: i * 2 for i in range(10)}
    d.update({"x": 5, 2.5: 7, K(3): 11})
    sub = D(x=1)
    t = 0
    for i in range(n):
        t += d[i % 10] + d["x"] + d[2.5]
        if i > 2000:
            t += d[K(3)] + d[K(3) if i % 2 else 4]
    for i in range(n):
        m = d if i < 2500 else sub
        t += m["x"]
    try:
        for i in range(n):
            t += d[i % 10 if i < 2500 else 10]
    except KeyError as e:
        print("missing", e, t)
    return t
print(h(3000))
