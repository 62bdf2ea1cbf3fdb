# Ranges compare as the sequences they produce, and hash consistently.
print(range(3) == range(0, 3), range(0) == range(2, 2), range(1, 2, 5) == range(1, 3, 7))
print(range(0, 10, 2) == range(0, 9, 2), range(3) != range(4), range(5, 0, -1) == range(5, 0, -1))
print(range(3) == [0, 1, 2], range(2) in [range(0, 2)], range(10, 0) == range(0))
print(hash(range(0)) == hash(range(5, 5)), hash(range(1, 2, 5)) == hash(range(1, 3, 7)))
print({range(3): "a"}[range(0, 3, 1)], len({range(0), range(4, 2), range(7, 7, 3)}))
print(len({range(0, 4, 2), range(0, 3, 2), range(0, 4)}), range(0, 4, 2) in {range(0, 3, 2): 1})
