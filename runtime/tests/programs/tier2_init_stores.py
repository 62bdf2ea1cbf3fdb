# Attribute stores in constructors that tier 2 inlines: the stores an
# __init__ makes before its instance can be seen elsewhere skip the
# instance's lock; those after a call, a store to another object or a
# branch take it. The values must be the same either way, while another
# thread reads the instances as they are published.
import threading

registry = []
lock = threading.Lock()


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.tag = "p"


class Tracked:
    def __init__(self, v):
        self.v = v
        with lock:
            registry.append(self)
        self.after = v + 1


class Linked:
    def __init__(self, v, other):
        self.v = v
        other.last = self
        self.w = v * 2


class Branchy:
    def __init__(self, v):
        self.a = v
        if v % 3 == 0:
            self.b = "three"
        else:
            self.b = v
        self.c = self.a


class Holder:
    pass


def build(n, holder):
    total = 0
    for i in range(n):
        p = Point(i, i * 2)
        t = Tracked(i)
        k = Linked(i, holder)
        b = Branchy(i)
        total += p.x + p.y + t.after + k.w + b.c + (0 if b.b == "three" else b.b)
        if p.tag != "p" or holder.last is not k:
            print("wrong at", i)
    return total


def read(stop, bad):
    while not stop.is_set():
        with lock:
            recent = registry[-20:]
        for t in recent:
            after = getattr(t, "after", None)
            if after is not None and after != t.v + 1:
                bad.append((t.v, after))


stop = threading.Event()
bad = []
reader = threading.Thread(target=read, args=(stop, bad))
reader.start()
holder = Holder()
print("total", build(3000, holder))
print("odd types", Point(1.5, "s").y, Branchy(3).b, Branchy(4).b)
stop.set()
reader.join()
print("registered", len(registry), "bad", bad[:3])
print("last", holder.last.v, holder.last.w)
