# Subclassing dict, including __missing__.
class Counter(dict):
    def __missing__(self, key):
        return 0

    def add(self, key):
        self[key] += 1


c = Counter()
for ch in "mississippi":
    c.add(ch)
print(sorted(c.items()), c["z"], "z" in c, len(c), isinstance(c, dict))


class Attr(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


a = Attr(x=1)
a["y"] = 2
print(a.x, a.y, a, getattr(a, "z", "none"))
