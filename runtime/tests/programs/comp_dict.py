# Dict comprehensions.
print({x: x * x for x in range(5)})
words = ["apple", "banana", "cherry", "avocado"]
print({w: len(w) for w in words if w.startswith("a")})
print({v: k for k, v in {"a": 1, "b": 2}.items()})
print({(x, y): x * y for x in range(3) for y in range(2)})
print({c: words[0].count(c) for c in words[0]})
print({k: v for k, v in zip("abc", range(10))})
