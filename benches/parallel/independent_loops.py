# Two independent CPU-bound loops, run one after the other on one thread
# ("serial") or at once on two threads ("threads"): the time ratio shows
# whether Python threads run in parallel. Prints the same checksum either way.
# The loop's ints stay small (inline, never allocated), so no collection
# (a stop-the-world pause) gets in the way: this measures the interpreter.
from _two_workers import run


def work(seed, n, out, slot):
    x = seed
    acc = 0
    for i in range(n):
        x = (x * 75 + 74) % 65537
        acc = (acc + x % 1000 + i) % 1000000007
    out[slot] = acc


run(work, 3000000)
