# A dict subclass with __missing__ used as a counter, with overridden
# __setitem__ and extra methods; the dict methods it inherits keep working.
class Tally(dict):
    def __missing__(self, key):
        return 0

    def __setitem__(self, key, value):
        if value == 0:
            self.pop(key, None)
        else:
            super().__setitem__(key, value)

    def add(self, *keys):
        for k in keys:
            self[k] += 1
        return self

    def top(self, n):
        return sorted(self.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


words = "the cat and the dog and the bird".split()
t = Tally()
t.add(*words)
print(t.top(3), len(t), t["zebra"], "zebra" in t, t.get("zebra"), t.get("cat"))
t["cat"] -= 1
print("cat" in t, sorted(t), t["cat"])
t.update(extra=5)
print(t["extra"], t.pop("extra"), t.setdefault("dog", 9), t.setdefault("eel", 0))
print(sorted(t.items()), sorted(t.keys()), sorted(t.values()))
print(isinstance(t, dict), type(t).__name__, type(t.copy()).__name__, t == dict(t))
print(Tally(a=1) == {"a": 1}, Tally({"x": 2}).add("x", "y"), dict.__getitem__(Tally(k=4), "k"))
try:
    dict.__getitem__(t, "nope")
except KeyError as e:
    print("KeyError", e)
del t["the"]
try:
    del t["the"]
except KeyError as e:
    print("KeyError", e)
print(sorted(t), [k for k in t if t[k] > 1], {**t} == dict(t), bool(Tally()))
t.clear()
print(t, len(t), t["anything"])
