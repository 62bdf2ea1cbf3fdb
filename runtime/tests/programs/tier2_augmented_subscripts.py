# Augmented subscript assignments (b[k] op= v) in hot loops: tier 2 reads
# the item through one fused micro-op and stores without swaps. Every way
# out of the fused code must leave the stack as tier 1 expects it: a list
# that becomes a dict, an item that stops being a float, an index out of
# range, a tuple (TypeError), a list subclass with __setitem__, and an
# operator that raises in the middle.


class Recording(list):
    def __setitem__(self, key, value):
        print("set", key, value)
        list.__setitem__(self, key, value)


def accumulate(rows, n):
    for i in range(n):
        b = rows[i % len(rows)]
        b[0] += 1.5
        b[1] -= b[0] * 0.5
        b[-1] *= 1.0001
    return rows


rows = [[0.0, 1.0, 2.0] for _ in range(4)]
print([[round(x, 4) for x in r] for r in accumulate(rows, 4000)])

# The item stops being a float, then a dict joins the rows.
mixed = [[0.0, 1.0, 2.0], [0, 1, 2]]
print([[round(x, 4) for x in r] for r in accumulate(mixed, 3000)])
odd = [[0.0, 1.0, 2.0], {0: 1.0, 1: 2.0, -1: 3.0}]
print(accumulate(odd, 3000)[1])
with_text = [[0.0, 1.0, 2.0]] * 3 + [["a", 1.0, 2.0]]
try:
    accumulate(with_text, 3000)
except TypeError as e:
    print("TypeError:", e)
print(round(with_text[0][1], 4))


def bump(cells, k, n):
    total = 0
    for i in range(n):
        cells[k] += i
        total += cells[k] % 7
    return total


cells = [0] * 5
print(bump(cells, 2, 3000), cells)
try:
    bump(cells, 9, 10)
except IndexError as e:
    print("IndexError:", e)
try:
    bump((1, 2, 3), 1, 10)
except TypeError as e:
    print("TypeError:", e)
recording = Recording([0, 0, 0])
print(bump(recording, 1, 3))
print(bump(cells, -1, 2000), cells)


def bump_each(containers, n):
    for i in range(n):
        c = containers[i % len(containers)]
        c[0] += i
    return containers


# The subscript reads a tuple as it reads a list; only the store fails.
try:
    bump_each([[0]] * 3000 + [(5,)], 3001)
except TypeError as e:
    print("TypeError:", e)


def overflow(cells, n):
    for i in range(n):
        cells[0] += 1 << 40
        cells[1] *= 3
    return cells


print(overflow([0, 1], 100))


def zero(cells, n):
    for i in range(n):
        cells[0] /= n - i - 1
    return cells


try:
    zero([1.0, 0.0], 3000)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
