# Lexicographic comparison of lists.
print([1, 2, 3] < [1, 2, 4], [1, 2] < [1, 2, 0], [] < [0], [2] > [1, 9, 9])
print([1, 2] == [1, 2], [1, 2] == [2, 1], [1, [2]] == [1, [2]], [1] == (1,))
print(max([[1, 2], [1, 3], [0, 9]]), min([[3], [1, 5], [1]]))
try:
    [1, 2] < [1, "x"]
except TypeError as exc:
    print("TypeError:", exc)
