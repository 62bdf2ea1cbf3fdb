# Set creation, membership, add/remove and repr of small int sets.
s = {3, 1, 2}
print(s, len(s), 2 in s, 5 in s)
s.add(4)
s.add(1)
print(s)
s.discard(10)
s.remove(3)
print(s, set(), set([1, 1, 2]), sorted(set("hello")))
e = set()
for i in range(20):
    e.add(i % 7)
print(e)
print({1, 2} == {2, 1}, {1} != {1, 2}, bool(set()), {0})
