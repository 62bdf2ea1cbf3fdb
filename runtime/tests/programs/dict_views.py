# keys/values/items views are live and support set operations.
d = {"a": 1, "b": 2, "c": 3}
k, v, it = d.keys(), d.values(), d.items()
print(k, v, it)
d["d"] = 4
print(list(k), list(v), list(it), len(k))
print(k & {"a", "z"}, sorted(k | {"z"}), sorted(k - {"a"}), ("a", 1) in it, 4 in v, "d" in k)
print(sorted(d.keys() ^ {"a", "q"}))
del d["a"]
print(list(k))
print(list(reversed(d)), list(reversed(d.items())))
