# Fused tier-2 operations (loads, operation and store in one micro-op)
# leave for tier 1 exactly where the loads began whenever their fast path
# does not hold: overflow to big ints, int/float mixes, zero divisors,
# NaNs, an unbound local, and operand types that change mid-loop.


def grow(n):
    x = 1
    for i in range(n):
        x = x * 3 + i
    return x


print("big ints", grow(200) % 1000003, grow(40))


def mixes(n):
    f = 0.5
    t = 0
    for i in range(n):
        f = f + i
        t = t + i * 2
        g = f * 2 - t
        if g < 0.0:
            t = t - 1
    return f, t, g


print("mixes", mixes(3000))


def divisions(n):
    hits = 0
    x = 10.0
    for i in range(n):
        d = float(i % 5)
        try:
            x = x / d
        except ZeroDivisionError:
            hits += 1
            x = 10.0
    return hits, x


print("zero divisors", divisions(3000))


def nans(n):
    nan = float("nan")
    count = 0
    for i in range(n):
        v = nan if i % 3 == 0 else float(i)
        if v < 1000.0:
            count += 1
        if v >= 1000.0:
            count += 100
    return count


print("nans", nans(3000))


def unbound(n):
    t = 0
    for i in range(n):
        if i == n - 1:
            del t
        t = t + i
    return t


try:
    unbound(3000)
except UnboundLocalError as e:
    print("unbound", type(e).__name__)


def changing(n):
    a = 1
    t = 0
    for i in range(n):
        if i == n // 2:
            a = 1.5
        if i == n - 10:
            a = True
        t = t + a
        t = t - 1
    return t


print("changing", changing(3000))


def compares(n):
    lo = 0
    hi = 0
    for i in range(n):
        x = i - 1500
        if x < 0:
            lo = lo + 1
        if 0.5 <= x:
            hi = hi + 1
    return lo, hi


print("compares", compares(3000))


def subscripts(n):
    rows = [[1, 2, 3], (4.5, 5.5), [7]]
    t = 0
    misses = 0
    for i in range(n):
        row = rows[i % 3]
        try:
            t = t + row[1] + row[-1]
        except IndexError:
            misses += 1
        if i == n // 2:
            rows = ({0: 10, 1: 20, -1: 30}, (7, 8, 9), [8])
    return t, misses


print("subscripts", subscripts(3000))


def int_divisions(n):
    # `//`, `%`, `&` and `>>` fuse too: a zero divisor or a negative shift
    # leaves for tier 1, which raises; negative operands round as Python's.
    hits = 0
    total = 0
    for i in range(-n, n):
        d = i % 7 - 3
        try:
            total += (i * 5) // d + (i * 5) % d + (i & 12) + (i >> 2)
        except ZeroDivisionError:
            hits += 1
    try:
        for i in range(n):
            total += i >> (n - 3 - i)
    except ValueError as e:
        print("ValueError:", e)
    return hits, total


print("int divisions", int_divisions(3000))
