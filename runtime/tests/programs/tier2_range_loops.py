# `for ... in range(...)` inside hot loops: tier 2 makes the iterator of a
# range of ints at once. Other arguments (floats, big ints, objects with
# __index__, bad counts) go through the call as before, a local or global
# named `range` is not the builtin, and rebinding the builtin mid-loop is
# seen at once.
import builtins


class Three:
    def __index__(self):
        return 3


def sums(n):
    t = 0
    for i in range(n):
        for j in range(i % 5):
            t += j
        for k in range(i % 3, 4):
            t += k
        for m in range(-2, i % 2):
            t += m
    return t


def mixed(n):
    args = [4, 2 ** 70, Three(), 2.5, True]
    t = 0
    errors = 0
    for i in range(n):
        a = args[i % 5]
        try:
            for j in range(a, a + 2) if isinstance(a, int) and a > 10 else range(a):
                t += 1
        except TypeError as e:
            errors += 1
            msg = str(e)
    return t, errors, msg


def shadowed(n):
    range = lambda k: [k, k]
    t = 0
    for i in [1] * n:
        for j in range(i):
            t += j
    return t


def rebound(n):
    real = builtins.range
    t = 0
    for i in real(n):
        for j in range(2):
            t += j
        if i == n // 2:
            builtins.range = lambda k: [10] * k
    builtins.range = real
    return t


print(sums(3000))
print(mixed(3000))
print(shadowed(3000))
print(rebound(3000))
