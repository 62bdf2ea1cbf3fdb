# Fires one global event kind FIRES times while BUSY threads spin in hot
# loops (tier-2 executors): run with `-X threshold=never` so every fire
# stops the world, and `--stats-json` to read the pause histograms by
# cause. Usage: global_pauses.py KIND BUSY FIRES
#   KIND: class_set | bases_set | function_modified | descriptor_mutated
import sys
import threading
import time

kind = sys.argv[1]
busy = int(sys.argv[2])
fires = int(sys.argv[3])
stop = [False]


class A:
    def f(self):
        return 1


class B:
    def f(self):
        return 2


class Base1:
    pass


class Base2:
    pass


class Derived(Base1):
    pass


def scaled(x, k=1):
    return x * k


def getter(self):
    return 3


class Holder:
    value = property(getter)


def spin(out, slot):
    acc = 0
    i = 0
    while not stop[0]:
        acc = (acc + i * 7 + 3) % 1000003
        i += 1
    out[slot] = i


out = [0] * busy
threads = [threading.Thread(target=spin, args=(out, k)) for k in range(busy)]
for t in threads:
    t.start()
time.sleep(0.05)
obj = A()
prop = Holder.__dict__["value"]
for n in range(fires):
    if kind == "class_set":
        obj.__class__ = B if n % 2 == 0 else A
    elif kind == "bases_set":
        Derived.__bases__ = (Base2,) if n % 2 == 0 else (Base1,)
    elif kind == "function_modified":
        scaled.__defaults__ = (n,)
    elif kind == "descriptor_mutated":
        prop.__init__(getter)
    else:
        sys.exit("unknown kind " + kind)
    time.sleep(0.002)
stop[0] = True
for t in threads:
    t.join()
print(kind, busy, "threads spun", "yes" if min(out) > 0 else "no")
