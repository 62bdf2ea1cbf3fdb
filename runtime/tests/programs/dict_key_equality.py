# Equal keys of different types share one slot; tuples and frozensets as keys.
d = {}
d[1] = "int"
d[1.0] = "float"
d[True] = "bool"
print(d, len(d))
d[0] = "zero"
d[False] = "false"
d[(1, 2)] = "tuple"
d[frozenset({1, 2})] = "frozenset"
d[""] = "empty"
d[None] = "none"
print(d)
print(d[(1, 2)], d[frozenset({2, 1})], d[0.0])
try:
    d[[1]] = "list"
except TypeError as exc:
    print("TypeError:", exc)
try:
    d[{}] = "dict"
except TypeError as exc:
    print("TypeError:", exc)
