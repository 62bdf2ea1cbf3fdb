# Dict literals, get/set/delete, membership, len, iteration.
d = {"a": 1, "b": 2}
d["c"] = 3
d["a"] = 10
print(d, len(d), d["b"], "c" in d, "z" not in d)
del d["b"]
print(d)
for k in d:
    print(k, d[k])
e = dict(x=1, y=2)
f = dict([("p", 1), ("q", 2)])
g = dict(e, z=3)
print(e, f, g, dict(), {})
print(d == {"c": 3, "a": 10}, d != e)
