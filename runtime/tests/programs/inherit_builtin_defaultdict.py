# A defaultdict-like class built on dict: a factory makes missing values.
class DefaultDict(dict):
    def __init__(self, factory=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.factory = factory

    def __missing__(self, key):
        if self.factory is None:
            raise KeyError(key)
        value = self[key] = self.factory()
        return value

    def __repr__(self):
        name = getattr(self.factory, "__name__", None)
        return f"DefaultDict({name}, {dict.__repr__(self)})"


groups = DefaultDict(list)
for word in ["apple", "avocado", "banana", "blueberry", "cherry"]:
    groups[word[0]].append(word)
print(groups)
print(groups["z"], len(groups), sorted(groups))

counts = DefaultDict(int, {"seed": 10}, extra=1)
for ch in "abracadabra":
    counts[ch] += 1
print(sorted(counts.items()))

nested = DefaultDict(lambda: DefaultDict(int))
nested["x"]["y"] += 2
nested["x"]["z"] += 1
print(sorted(nested["x"].items()), isinstance(nested["q"], dict), len(nested))

plain = DefaultDict()
try:
    plain["missing"]
except KeyError as e:
    print("KeyError", e)
print(plain.get("missing", "default"), "missing" in plain, plain)


class Tree(dict):
    def __missing__(self, key):
        child = self[key] = Tree()
        return child

    def paths(self, prefix=()):
        if not self:
            yield prefix
        for k in sorted(self):
            yield from self[k].paths(prefix + (k,))


tree = Tree()
tree["a"]["b"]["c"]
tree["a"]["d"]
tree["e"]
print(list(tree.paths()), tree)
