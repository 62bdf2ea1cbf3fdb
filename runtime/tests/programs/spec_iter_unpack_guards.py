# Tier 1: one `for` loop and one unpacking site meet ranges, lists, tuples,
# generators, strs and lists that change size under iteration, and
# sequences of the wrong length or type, in the middle of hot use.
def total(iterable):
    t = 0
    for x in iterable:
        t += x
    return t


def gen(n):
    for i in range(n):
        yield i * 2


sources = [range(1000), list(range(500)), tuple(range(300)), gen(100), range(10 ** 20, 10 ** 20 + 3),
           range(-5, 5, 3), [], range(0)]
print([total(s) if not isinstance(s, range) or s.start < 10 ** 19 else total(s) - 3 * 10 ** 20 for s in sources])

growing = [1, 2, 3]
seen = 0
for x in growing:
    seen += 1
    if len(growing) < 1000:
        growing.append(x + 1)
print(seen, len(growing))

shrinking = list(range(100))
seen = 0
for x in shrinking:
    seen += 1
    if shrinking:
        shrinking.pop()
print(seen, len(shrinking))


def pairs(items):
    out = 0
    for item in items:
        try:
            a, b = item
            out += a * b
        except (TypeError, ValueError) as e:
            out -= 1
    return out


good = [(i, i + 1) for i in range(1000)]
print(pairs(good))
print(pairs(good[:300] + [[2, 3], [4, 5]] + good[300:600] + [(1, 2, 3), (9,), "ab", 7, {1: 2, 3: 4}] + good[600:]))


def triples(n):
    acc = 0
    for i in range(n):
        x, y, z = (i, i * 2, i * 3) if i % 97 else [i, i, i]
        acc += x + y - z
    return acc


print(triples(3000))
