# Tier 1: membership, dict subscripts, subscript stores and builtin method
# loads specialize on hot loops, then meet other containers and keys (user
# keys, missing keys, out-of-range indices, subclasses with overrides).
class Key:
    def __init__(self, k):
        self.k = k

    def __hash__(self):
        return hash(self.k)

    def __eq__(self, other):
        return isinstance(other, Key) and self.k == other.k


class LoudDict(dict):
    def __getitem__(self, key):
        return ("loud", dict.__getitem__(self, key))

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, value * 10)


def members(containers, probes):
    hits = 0
    for c in containers:
        for p in probes:
            if p in c:
                hits += 1
            if p is None or p is not c:
                hits += 0
    return hits


d = {i: i * i for i in range(50)}
s = set(range(0, 100, 3))
print(members([d] * 20 + [s] * 20 + [[1, 2, 3], {Key(1): 1}, frozenset({"a", 3})], [1, 2, 3, 4.0, "a", Key(1)]))
print(members(["abc", "xyz"] * 30, ["a", "yz", "q"]))


def lookups(ds, keys):
    out = []
    for dd in ds:
        for k in keys:
            try:
                out.append(dd[k])
            except KeyError as e:
                out.append(("missing", e.args[0]))
    return out


plain = {"a": 1, "b": 2, 3: "three", 2.5: "half"}
loud = LoudDict(plain)
res = lookups([plain] * 100 + [loud, {Key("a"): "key"}], ["a", 3, 2.5, "zz"])
print(res[:4], res[-8:], len(res))


def stores(targets, n):
    errors = 0
    for t in targets:
        for i in range(n):
            try:
                t[i % 5] = i
            except IndexError:
                errors += 1
    return targets, errors


out, errors = stores([[0] * 5 for _ in range(50)] + [{}, LoudDict(), [0] * 3], 5)
print(out[0], out[-3], out[-2], out[-1], errors)


def appender(seqs):
    for q in seqs:
        q.append(len(q))
    return seqs


class MyList(list):
    def append(self, v):
        list.append(self, ("mine", v))


print(appender([[1] for _ in range(200)] + [MyList(), bytearray_like := [9]])[-2:])
