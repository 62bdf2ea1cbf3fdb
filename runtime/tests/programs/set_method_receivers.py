# set.add and set.discard: native keys take a short path; everything else
# (user keys, frozensets, wrong receivers) must behave as before.

class Key:
    def __init__(self, k):
        self.k = k
    def __hash__(self):
        return hash(self.k)
    def __eq__(self, other):
        return isinstance(other, Key) and self.k == other.k
    def __repr__(self):
        return "Key(%r)" % self.k

s = set()
for i in range(200):
    s.add(i % 7)
    s.add(-i % 5)
    s.add(float(i % 3))
    s.add("s%d" % (i % 4))
    s.discard(i % 11)
print(sorted(s, key=repr))

# Equal keys of different kinds: 1, 1.0 and True are one element.
t = {1}
t.add(1.0)
t.add(True)
print(t, len(t))
t.discard(1.0)
print(t)

# User keys go through __hash__ and __eq__.
u = set()
u.add(Key(1))
u.add(Key(1))
u.add(Key(2))
print(len(u), sorted(k.k for k in u))
u.discard(Key(1))
print(u)

# A key whose hash equals an int's but is not equal to it.
class Collides:
    def __hash__(self):
        return 3
    def __eq__(self, other):
        return False
v = {3}
c = Collides()
v.add(c)
print(len(v), 3 in v, c in v)
v.discard(3)
print(len(v), c in v)

for bad in (frozenset([1]), 1, [1]):
    for name in ("add", "discard", "remove", "pop", "clear", "update"):
        try:
            if name in ("pop", "clear", "update"):
                getattr(set, name)(bad)
            else:
                getattr(set, name)(bad, 1)
        except TypeError as e:
            print(name, "TypeError:", e)
f = frozenset([1])
print(f)

try:
    s.add([1])
except TypeError as e:
    print("TypeError:", e)
try:
    s.discard({})
except TypeError as e:
    print("TypeError:", e)
try:
    s.add()
except TypeError as e:
    print("TypeError:", e)
try:
    s.add(1, 2)
except TypeError as e:
    print("TypeError:", e)
