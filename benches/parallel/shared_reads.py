# Two workers read the same list and the same instance's attributes and
# sum: one after the other on one thread ("serial") or at once on two
# threads ("threads"). Nothing is written that both touch, so each
# checksum is the same either way. The reads take no lock (invariant 31):
# a read that wrote the lock word would bounce its cache line between
# the cores, and two threads would go no faster than one.
import sys
import threading

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


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "threads"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
    out = [0, 0]
    if mode == "serial":
        work(1, n, out, 0)
        work(2, n, out, 1)
    else:
        threads = [threading.Thread(target=work, args=(k + 1, n, out, k)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(mode, out[0], out[1])


main()
