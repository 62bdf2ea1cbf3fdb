# `for` loops inside hot loops: tier 2 makes the iterators of lists,
# tuples and ranges natively, and every other iterable through the generic
# operation: strings, dicts, sets, generators, a class with __iter__ (which
# may change what the executor assumed), and an object that is not
# iterable at all.


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n, 0, -1))


class Meddler:
    scale = 1

    def __iter__(self):
        Meddler.scale += 1
        return iter([Meddler.scale])


def gen(n):
    for i in range(n):
        yield i


def main():
    sources = [[1, 2], (3, 4), range(3), "ab", {"k": 1, "j": 2}, {7}, Countdown(3)]
    t = 0
    for i in range(3000):
        for x in sources[i % 7]:
            t += len(x) if isinstance(x, str) else x
        for y in gen(i % 3):
            t += y
    print(t)

    m = Meddler()
    s = 0
    for i in range(2000):
        for v in m:
            s += v * Meddler.scale
    print(s, Meddler.scale)

    bad = [[1], [2], 5]
    caught = 0
    for i in range(3000):
        try:
            for z in bad[i % 3]:
                caught += z
        except TypeError as e:
            msg = str(e)
    print(caught, msg)


main()
