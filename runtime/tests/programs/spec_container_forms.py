# Tier 1: str indexing, list and tuple slicing and two-item unpacking
# specialize on hot loops, then meet other containers, other keys, bad
# bounds and another thread rewriting the list being sliced; every result
# must be the generic one.
import threading


def chars(s, idx):
    out = []
    for i in idx:
        out.append(s[i])
    return "".join(out)


ascii_text = "specialized"
wide_text = "spécialisé ☃ ok"
print(chars(ascii_text, list(range(11)) * 30 + [-1, -11]))
print(chars(wide_text, list(range(-15, 15)) * 10)[-30:])
print(chars(ascii_text, [0] * 100 + [True, False]))
for bad in (11, -12, 2 ** 40):
    try:
        chars(ascii_text, [1] * 100 + [bad])
    except IndexError as e:
        print("IndexError:", e)


class Shout(list):
    def __getitem__(self, i):
        return list.__getitem__(self, i).upper()


def first_items(seqs):
    return [s[0] for s in seqs]


print(first_items(["ab"] * 100 + [Shout("xy"), ["l"], ("t",), {0: "d"}, "é"])[-6:])


def slices(seq, bounds):
    out = []
    for a, b, c in bounds:
        out.append(seq[a:b:c])
    return out


numbers = list(range(12))
bounds = [(None, None, None), (2, 8, None), (-3, None, None), (None, -20, None),
          (10, 2, -2), (None, None, -1), (1, 50, 3), (-50, 5, 2), (8, 3, None)]
print(slices(numbers, bounds * 40)[-9:])
print(slices(tuple(numbers), bounds * 40)[-9:])
whole = tuple(numbers)
print(all(t is whole for t in slices(whole, [(None, None, None), (0, 12, 1), (-12, 99, None)] * 50)))
print(slices(numbers, [(1, 3, None)] * 100 + [(True, 3, None), (2 ** 70, None, None), (None, -(2 ** 70), None)])[-3:])
print(slices(numbers, [(1, 3, None)] * 100 + [(1, 3, 1)])[-1], slices("text", [(1, 3, None)] * 100)[-1])
for bad in [(1.0, 2, None), ("a", None, None), (None, None, 0)]:
    try:
        slices(numbers, [(0, 2, None)] * 100 + [bad])
    except (TypeError, ValueError) as e:
        print(type(e).__name__ + ":", e)


class Window(list):
    def __getitem__(self, key):
        return ["window", key.start]


print(slices(numbers, [(0, 1, None)] * 100)[-1], slices(Window(numbers), [(4, 5, None)] * 3)[-1])

# Another thread rewrites the whole list while this one slices it: each
# slice is one state or the other, never a mix.
shared = [0] * 64
stop = threading.Event()


def rewriter():
    n = 0
    while not stop.is_set():
        n += 1
        shared[:] = [n % 2] * 64


t = threading.Thread(target=rewriter)
t.start()
mixed_seen = 0
for _ in range(20000):
    piece = shared[8:56]
    if len(piece) != 48 or min(piece) != max(piece):
        mixed_seen += 1
stop.set()
t.join()
print("mixed slices:", mixed_seen)


def pair_sums(items):
    total = 0
    for item in items:
        a, b = item
        total += a * 10 + b
    return total


pairs = [(i, i + 1) for i in range(300)]
print(pair_sums(pairs))
print(pair_sums(pairs + [[1, 2], range(3, 5), (x for x in (5, 6)), {7: 0, 8: 0}]))
for bad in [(1, 2, 3), (1,), [1, 2, 3], 5]:
    try:
        pair_sums(pairs + [bad])
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)


class Pair(list):
    def __iter__(self):
        return iter((100, 200))


print(pair_sums(pairs + [Pair((1, 2))]))
