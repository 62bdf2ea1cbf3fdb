# List comprehensions with conditions and nested loops.
print([x * 2 for x in range(6)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print([c.upper() for c in "hello" if c not in "l"])
print([[r * c for c in range(1, 4)] for r in range(1, 4)])
print([x if x > 0 else 0 for x in [-2, -1, 0, 1, 2]])
words = ["apple", "bob", "kayak", "level", "python"]
print([w for w in words if w == w[::-1]])
print([len(w) for w in words], [i for i, w in enumerate(words) if "a" in w])
