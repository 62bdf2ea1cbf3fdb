# Two workers read the same list and the same instance's attributes and
# sum: one after the other on one thread ("serial") or at once on two
# threads ("threads"). Nothing is written that both touch, so each
# checksum is the same either way. The reads take no lock (invariant 31):
# a read that wrote the lock word would bounce its cache line between
# the cores, and two threads would go no faster than one.
from _two_workers import run

ITEMS = list(range(1000))


class Point:
    pass


ORIGIN = Point()
ORIGIN.x = 1
ORIGIN.y = 2


def work(seed, n, out, slot):
    items, p = ITEMS, ORIGIN
    acc = seed
    for _ in range(n):
        for k in range(0, 1000, 7):
            acc += items[k] + p.x + p.y
    out[slot] = acc


run(work, 60000)
