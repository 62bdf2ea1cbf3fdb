# Tier 1: subscripts specialize on lists and tuples, then meet other
# containers, negative and out-of-range indices, slices and a user
# __getitem__ in the middle of the same loop.
class Doubler:
    def __getitem__(self, i):
        return i * 2


def pick(containers, index):
    out = []
    for c in containers:
        try:
            out.append(c[index])
        except (IndexError, KeyError, TypeError) as e:
            out.append(type(e).__name__)
    return out


lists = [[1, 2, 3]] * 500
print(pick(lists, 1)[-1], pick(lists, -1)[-1], pick(lists, 5)[-1])
mixed = [[1, 2, 3]] * 500 + [(4, 5, 6), {1: "one"}, "xyz", Doubler(), [7, 8, 9]] + [(1, 2)] * 100
print(pick(mixed, 1)[495:510])
print(pick(mixed, -1)[495:510])
shrinking = [list(range(10)) for _ in range(300)]
for i, row in enumerate(shrinking):
    del row[i % 10:]
print(pick(shrinking, 3).count("IndexError"), sum(x for x in pick(shrinking, 3) if type(x) is int))
