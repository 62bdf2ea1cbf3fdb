# Calls of list.append, list.pop, set.add and set.discard inside hot loops
# (tier 2 runs them natively): ints and strs take the fast path; a key
# with its own __hash__, a bad index, an empty list and a method of
# another type go through the ordinary call and give CPython's results.


class Key:
    def __init__(self, k):
        self.k = k

    def __hash__(self):
        return self.k % 7

    def __eq__(self, other):
        return isinstance(other, Key) and other.k == self.k


def fill(items, seen, keys):
    before = None
    for k in keys:
        items.append(k)
        seen.add(k)
        if len(items) > 3:
            items.pop(0)
        seen.discard(before)
        before = k
    return items, len(seen)


print(fill([], set(), list(range(3000))))
print(fill([], set(), list(range(3000)) + ["a", "b", "a"]))
items, n = fill([], set(), list(range(3000)) + [Key(3), Key(10), Key(3)])
print([getattr(k, "k", k) for k in items], n)


def drain(items, indexes):
    out = []
    for i in indexes:
        out.append(items.pop(i))
    return out


print(sum(drain(list(range(5000)), [0] * 2999 + [-1, 5])))
for bad in ([0] * 2999 + [10 ** 6], [0] * 2999 + ["x"], [0] * 5001):
    try:
        print(drain(list(range(5000)), bad)[-1])
    except (IndexError, TypeError) as e:
        print(type(e).__name__, e)


def mixed(containers):
    total = 0
    for c in containers:
        c.append(1)
        total += len(c)
    return total


class Bag(list):
    def append(self, x):
        super().append(x * 2)


class Log:
    def __init__(self):
        self.n = 10

    def append(self, x):
        self.n += x

    def __len__(self):
        return self.n


print(mixed([[] for _ in range(3000)] + [Bag(), Log()]))
