# Nested comprehensions and comprehensions over comprehensions.
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([[row[i] for row in matrix] for i in range(3)])
print([v for row in matrix for v in row if v % 2])
print({i: [j for j in range(i)] for i in range(4)})
print(sum(sum(x for x in row) for row in matrix))
print([[(r, c) for c in range(2)] for r in range(2)])
pyth = [(a, b, c) for c in range(1, 30) for b in range(1, c) for a in range(1, b) if a * a + b * b == c * c]
print(pyth)
