# Slices of lists and tuples inside hot loops: tier 2 slices by int or
# None bounds at once, and leaves other bounds (big ints, bools, floats)
# and other sequences (strings, ranges) to the generic operation.


def slices(n):
    xs = [0, 1, 2, 3, 4, 5, 6]
    tu = tuple(xs)
    t = 0
    for i in range(n):
        a = i % 9 - 4
        t += sum(xs[a:]) + sum(xs[:a]) + sum(tu[a:a + 3]) + len(tu[:])
        t += len(xs[-100:100]) + len(tu[5:2])
        if tu[:] is not tu:
            t += 1000
    return t


def odd_bounds(n):
    xs = list(range(10))
    bounds = [2 ** 70, -(2 ** 70), True, None, 3]
    t = 0
    errors = 0
    for i in range(n):
        b = bounds[i % 5]
        t += len(xs[b:]) + len(xs[:b])
        try:
            xs[1.5:]
        except TypeError as e:
            errors += 1
            msg = str(e)
    return t, errors, msg


def other_sequences(n):
    s = "abcdefg"
    r = range(10)
    t = 0
    for i in range(n):
        t += len(s[i % 4:]) + len(r[1:i % 7])
    return t


def copies(n):
    rows = [[1, 2], [3, 4]]
    out = None
    for i in range(n):
        out = [row[:] for row in rows]
        out[0][0] = i
    return rows, out


print(slices(3000))
print(odd_bounds(3000))
print(other_sequences(3000))
print(copies(3000))
