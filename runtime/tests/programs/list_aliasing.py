# Aliasing and copying of nested lists.
row = [0, 0]
grid = [row] * 3
grid[0][0] = 1
print(grid)
grid2 = [row[:] for _ in range(3)]
grid2[0][1] = 2
print(grid2, row)
a = [1, [2, 3]]
b = a[:]
b[1].append(4)
b[0] = 9
print(a, b)


def mutate(lst):
    lst.append("added")
    lst = ["rebound"]
    return lst


orig = []
print(mutate(orig), orig)
