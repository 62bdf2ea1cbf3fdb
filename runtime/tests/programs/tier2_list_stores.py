# Plain list stores (p[i] = v, p[3] = v) in hot loops: tier 2 reads the
# list and the index from their locals (or the constant) in the store
# itself. Every way out must leave the stack as tier 1 expects it, with
# nothing stored: an index out of range, a negative index, a non-int
# index, a tuple, a dict, a list subclass with __setitem__, an unbound
# local, and values swapped in place.


class Recording(list):
    def __setitem__(self, key, value):
        print("set", key, value)
        list.__setitem__(self, key, value)


def fill(p, n):
    for i in range(n):
        p[i % len(p)] = i
        p[3] = -i
    return p


print(fill([0] * 6, 5000))
try:
    fill([0] * 3, 5000)
except IndexError as e:
    print("IndexError:", e)
print(fill({0: "a"}, 4))
try:
    fill((0, 0, 0, 0), 4)
except TypeError as e:
    print("TypeError:", e)
print(fill(Recording([0] * 4), 3))


def reverse(p):
    i, j = 0, len(p) - 1
    while i < j:
        p[i], p[j] = p[j], p[i]
        i += 1
        j -= 1
    return p


for _ in range(300):
    reverse(list(range(40)))
print(reverse(list(range(12))))
print(reverse(list("stillpoint")))


def at(p, keys):
    for k in keys:
        p[k] = k * 2
    return p


print(at([0] * 5, list(range(5)) * 500 + [-1, -5]))
try:
    at([0] * 5, [1] * 3000 + [2.0])
except TypeError as e:
    print("TypeError:", e)
try:
    at([0] * 5, [1] * 3000 + [-6])
except IndexError as e:
    print("IndexError:", e)


def late(n):
    p = [0, 0]
    for i in range(n):
        if i == n - 1:
            del p
        p[i % 2] = i
    return p


try:
    late(3000)
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
