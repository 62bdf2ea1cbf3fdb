# Tier 1: attribute loads and stores specialize on hot loops, then the class
# changes under them (a new class attribute, a property, __setattr__, a
# shadowing instance attribute, __class__ assignment, many receiver
# classes), and other threads change what a loop spins on.
import threading


class Point:
    scale = 10

    def __init__(self, x):
        self.x = x


def read_all(points):
    total = 0
    for p in points:
        total += p.x * p.scale
    return total


pts = [Point(i) for i in range(1000)]
print(read_all(pts))
Point.scale = 3
print(read_all(pts))
pts[500].scale = 1000
print(read_all(pts))


def getter(self):
    return -self.__dict__["x"]


Point.x = property(getter)
print(read_all(pts[:10]))
del Point.x
print(read_all(pts[:10]))


def store_all(points, v):
    for p in points:
        p.y = v
    return sum(p.y for p in points)


print(store_all(pts, 2))
log = []


def noisy(self, name, value):
    log.append(name)
    object.__setattr__(self, name, value + 1)


Point.__setattr__ = noisy
print(store_all(pts, 2), len(log))
del Point.__setattr__
print(store_all(pts, 5))


class Other:
    scale = 7

    def __init__(self, x):
        self.x = x


for p in pts[::3]:
    p.__class__ = Other
print(read_all(pts))

classes = [type(f"K{i}", (), {"scale": i}) for i in range(12)]
mixed = []
for i in range(600):
    obj = classes[i % 12]()
    obj.x = i
    mixed.append(obj)
print(read_all(mixed), store_all(mixed, 1))


class Fallback:
    def __getattr__(self, name):
        return 42


fb = [Fallback() for _ in range(50)]
for i, f in enumerate(fb[:25]):
    f.x = i
print(sum(f.x for f in fb))


class Flag:
    go = True

    def __init__(self):
        self.running = True


flag = Flag()
spins = [0, 0]
started = [threading.Event(), threading.Event()]


def spin_instance():
    n = 0
    while flag.running:
        n += 1
        if n == 1:
            started[0].set()
    spins[0] = n


def spin_class():
    n = 0
    while flag.go:
        n += 1
        if n == 1:
            started[1].set()
    spins[1] = n


threads = [threading.Thread(target=spin_instance), threading.Thread(target=spin_class)]
for t in threads:
    t.start()
# Both spinners are in their loops before what they spin on changes.
for s in started:
    s.wait()
work = 0
for i in range(300000):
    work += i % 7
flag.running = False
Flag.go = False
for t in threads:
    t.join()
print(work, spins[0] > 0, spins[1] > 0)
