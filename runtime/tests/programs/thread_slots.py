# Threads storing into and reading the slots of shared __slots__ instances
# at once. Slot stores take no lock: each thread's own slot of a shared
# object still ends exact (a store to one slot never touches another), and
# a reader racing with writers and deleters sees only values that were
# stored, or the slot unset.
import threading

N = 20000


class Counters:
    __slots__ = ("a", "b", "c", "d")

    def __init__(self):
        self.a = self.b = self.c = self.d = 0


shared = Counters()
names = ["a", "b", "c", "d"]


def bump_own(name):
    for _ in range(N):
        setattr(shared, name, getattr(shared, name) + 1)


def bump_a():
    for _ in range(N):
        shared.a += 1


threads = [threading.Thread(target=bump_own, args=(n,)) for n in names[1:]]
threads.append(threading.Thread(target=bump_a))
for t in threads:
    t.start()
for t in threads:
    t.join()
print(shared.a, shared.b, shared.c, shared.d)


class Box:
    __slots__ = ("item",)


box = Box()
box.item = "start"
allowed = {"start"} | {("w", k) for k in range(4)}
bad = []


def write(k):
    for i in range(N):
        box.item = ("w", k)
        if i % 7 == 0:
            try:
                del box.item
            except AttributeError:
                pass


def read():
    unset = 0
    for _ in range(N):
        v = getattr(box, "item", None)
        if v is None:
            unset += 1
        elif v not in allowed:
            bad.append(v)


threads = [threading.Thread(target=write, args=(k,)) for k in range(2)]
threads += [threading.Thread(target=read) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("bad reads:", bad)
box.item = "end"
print(box.item)
