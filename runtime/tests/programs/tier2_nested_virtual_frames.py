# Small functions calling small functions, inlined on nested virtual frames
# (pushed only when the executor leaves inside them). Leaving at each depth
# (a guard that fails, an error that is caught) must push every frame in
# order, each resuming where it was, and give CPython's results.


def leaf(x):
    return x * 3


def middle(x):
    y = leaf(x) + 1
    return y - x


def outer(x):
    return middle(x) + middle(x + 1)


def run(values):
    t = 0
    for v in values:
        t += outer(v)
    return t


# Ints, then a float reaching the innermost guard, then ints again.
values = list(range(2000)) + [2.5] + list(range(100))
print(run(values))
# Big ints: the innermost multiply overflows the inline range.
print(run([2**60 + k for k in range(5)] + list(range(3000))))


def checked(x):
    if x == 2500:
        raise ValueError("bad %d" % x)
    return x


def wrap(x):
    return checked(x) + 1


def wrap_twice(x):
    return wrap(x) * 2


def catching(n):
    t = 0
    for x in range(n):
        try:
            t += wrap_twice(x)
        except ValueError as e:
            print("caught", e)
    return t


print(catching(3000))


class Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def total(self):
        return self.a + self.b


def pair_of(x):
    return Pair(x, x + 1)


def sum_pairs(n):
    t = 0
    for x in range(n):
        t += pair_of(x).total()
    return t


print(sum_pairs(3000))


def swap_leaf(n):
    global leaf
    t = 0
    for x in range(n):
        if x == 1500:
            def leaf(x):
                return x * 5
        t += outer(x)
    return t


print(swap_leaf(3000))
