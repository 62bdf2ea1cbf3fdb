# Two independent CPU-bound loops, run one after the other on one thread
# ("serial") or at once on two threads ("threads"): the time ratio shows
# whether Python threads run in parallel. Prints the same checksum either way.
# The loop's ints stay small (inline, never allocated), so no collection
# (a stop-the-world pause) gets in the way: this measures the interpreter.
import sys
import threading


def work(seed, n, out, slot):
    x = seed
    acc = 0
    for i in range(n):
        x = (x * 75 + 74) % 65537
        acc = (acc + x % 1000 + i) % 1000000007
    out[slot] = acc


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "threads"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000000
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
