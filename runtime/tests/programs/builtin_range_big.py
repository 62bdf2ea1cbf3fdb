# range() with bounds beyond 64 bits: every operation works on big bounds,
# only len() is limited to sys.maxsize.
import sys

huge = range(10 ** 20)
wide = range(-10 ** 30, 10 ** 30, 10 ** 25)
down = range(10 ** 22, -10 ** 22, -3 * 10 ** 21)
edge = range(-2 ** 63, 2 ** 63 - 1)

# len: fine up to sys.maxsize, OverflowError beyond.
print(len(wide), len(down), len(range(sys.maxsize)))
for r in (huge, edge, range(0, 2 ** 64, 2), range(-1, sys.maxsize)):
    try:
        print(len(r))
    except OverflowError as e:
        print("OverflowError:", e)

# Truth, repr, attributes.
print(bool(huge), bool(range(10 ** 20, 0)), bool(range(10 ** 20, 10 ** 20 + 1)))
print(huge, wide, down, range(2 ** 70, 2 ** 71, 1))
print(wide.start, wide.stop, wide.step, huge.start, huge.stop, huge.step)

# Indexing, both ends, and out of range.
print(huge[0], huge[-1], huge[10 ** 19], wide[3], wide[-1], down[1], down[-1])
print(edge[-1], edge[0], edge[2 ** 63], huge[True])
for r, k in ((huge, 10 ** 20), (huge, -10 ** 20 - 1), (wide, 200000), (range(5), 2 ** 70)):
    try:
        print(r[k])
    except IndexError as e:
        print("IndexError:", e)
try:
    huge[1.5]
except TypeError as e:
    print("TypeError:", e)

# Membership, index, count: ints, bools, big ints, non-ints.
print(10 ** 19 in huge, -1 in huge, 10 ** 20 in huge, 7 * 10 ** 25 in wide, 7 * 10 ** 25 + 1 in wide)
print(True in huge, 5.0 in range(10), 5.5 in range(10), "a" in range(3), 4 * 10 ** 21 in down)
print(huge.index(12345678901234567890), wide.index(0), down.index(-2 * 10 ** 21), range(10).index(3.0))
print(huge.count(10 ** 19), huge.count(10 ** 20), wide.count(-10 ** 30), range(10).count(2.0), range(5).count(True))
for r, x in ((huge, -5), (wide, 1), (range(3), 2.5)):
    try:
        r.index(x)
    except ValueError as e:
        print("ValueError:", e)

# Iteration, forwards and backwards, and stopping early.
print(list(range(10 ** 20, 10 ** 20 + 3)), list(range(2 ** 64, 2 ** 64 - 3 * 2 ** 62, -2 ** 62)))
print(list(reversed(range(10 ** 20, 10 ** 20 + 3))), list(reversed(range(-10 ** 21, 10 ** 21, 7 * 10 ** 20))))
print(list(reversed(range(0))), list(reversed(range(2 ** 70, 0))))
for i in huge:
    if i == 3:
        break
print(i)
it = iter(reversed(huge))
print(next(it), next(it))
print(list(reversed(range(-2 ** 63, -2 ** 63 + 3))), list(reversed(range(2 ** 63 - 1, 2 ** 63 - 4, -1))))
print(list(reversed(range(2 ** 63 - 1, -2 ** 63, -2 ** 63))), list(range(2 ** 63 - 1, -2 ** 63, -2 ** 63)))
print(sum(range(2 ** 64, 2 ** 64 + 100)), max(range(10 ** 25, 10 ** 25 + 5)))

# Slicing.
print(huge[::2], huge[10:20], huge[::-1], huge[-3:], huge[5:2], huge[10 ** 30:], huge[:-10 ** 30])
print(wide[1:4], wide[::-7], wide[-2::-100000], down[::2], edge[::2 ** 62])
print(range(10)[8:1:-3], range(10)[5:2], range(0, 20, 5)[1:3], range(10)[::-1], range(10)[-100:100:3])
print(list(huge[3:10 ** 20:10 ** 19]), len(huge[::10 ** 18]))
for bad in (slice(None, None, 0), slice(1.5, None)):
    try:
        huge[bad]
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)

# Equality and hashing: big ranges compare by their values.
print(huge == range(0, 10 ** 20), huge == range(10 ** 20 + 1), range(10 ** 20, 0) == range(0),
      range(2 ** 70, 2 ** 70 + 1) == range(2 ** 70, 2 ** 70 - 1, -5), wide == range(-10 ** 30, 10 ** 30 - 1, 10 ** 25))
print(hash(huge) == hash(range(0, 10 ** 20, 1)), hash(range(10 ** 20, 0)) == hash(range(0)),
      hash(range(2 ** 70, 2 ** 70 + 1)) == hash(range(2 ** 70, 2 ** 70 - 2, -3)))
# (Only ranges of two or more values: the others hash None, whose hash varies in 3.11.)
print(hash(huge), hash(wide), hash(range(2 ** 70, 2 ** 71, 2 ** 69)))
d = {huge: "huge", range(0): "empty"}
print(d[range(0, 10 ** 20)], d[range(10 ** 21, 5)], {wide, range(-10 ** 30, 10 ** 30 - 1, 10 ** 25)} == {wide})

# Construction: __index__ objects, errors.
class Ten:
    def __index__(self):
        return 10 ** 20

print(range(Ten()), range(1, Ten(), Ten()))
for args in ((0, 10 ** 20, 0), (1.0,), (0, 2 ** 80, 0.5), ("a", 1)):
    try:
        range(*args)
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)
