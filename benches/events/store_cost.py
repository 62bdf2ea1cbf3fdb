# What a class-attribute store costs once its event is past its threshold,
# against the same store on an instance (an object nobody watches). Both
# loops run in tier-2 executors; prints the median time of each over
# ROUNDS alternating rounds and their ratio. (The timing loop is a function:
# module-level code that rebinds globals would take the module's own event
# past its threshold, and global loads would stay loads.)
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7


class Watched:
    x = 0


class Plain:
    pass


def class_stores(n):
    for i in range(n):
        Watched.x = i


def instance_stores(o, n):
    for i in range(n):
        o.x = i


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    # Past the threshold (8 by default): the event becomes a no-op.
    class_stores(100)
    o = Plain()
    instance_stores(o, 100)
    t_class = []
    t_instance = []
    for r in range(ROUNDS):
        start = time.perf_counter()
        class_stores(N)
        t_class.append(time.perf_counter() - start)
        start = time.perf_counter()
        instance_stores(o, N)
        t_instance.append(time.perf_counter() - start)
    c = median(t_class)
    i = median(t_instance)
    print("class attribute store: %.1f ns" % (c / N * 1e9))
    print("instance attribute store: %.1f ns" % (i / N * 1e9))
    print("ratio: %.2f" % (c / i))


main()
