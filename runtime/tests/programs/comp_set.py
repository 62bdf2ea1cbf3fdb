# Set comprehensions.
print({x % 4 for x in range(20)})
print(sorted({w[0] for w in ["apple", "avocado", "banana", "blueberry", "cherry"]}))
print({x * y for x in range(3) for y in range(3)})
print(len({(i % 3, i % 5) for i in range(100)}))
