# Mutating methods and copies.
s = {5, 6, 7}
s.update([8, 9], (10,))
print(sorted(s))
p = s.pop()
print(p in range(5, 11), len(s))
t = s.copy()
t.clear()
print(len(s), t)
s.intersection_update({5, 6, 7, 8})
print(sorted(s))
s.difference_update([5])
print(sorted(s))
s.symmetric_difference_update({6, 100})
print(sorted(s))
words = {"banana", "apple", "cherry"}
print(sorted(words), sorted(words, reverse=True), len(words))
