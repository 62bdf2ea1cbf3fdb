# Building strings in loops, join vs concatenation, and hashing as dict keys.
parts = []
for i in range(1000):
    parts.append(str(i % 10))
s = "".join(parts)
print(len(s), s[:20], s[-5:])
acc = ""
for i in range(500):
    acc += chr(ord("a") + i % 26)
print(len(acc), acc[:30])
counts = {}
for ch in acc:
    counts[ch] = counts.get(ch, 0) + 1
print(sorted(counts.items())[:5])
print(str(12345) * 3, str(-0.5), str(None), str([1, "a"]), str((1,)))
