# Calls inlined into tier-2 executors: the callee's frame is real, so side
# exits, exceptions, tracebacks, recursion and events inside an inlined
# call behave as if the call ran in tier 1.
import sys
import threading


def add(a, b=2):
    if a > 1000:
        return a - b
    return a + b


def twice(x):
    return add(x) * 2


def sum_calls(n):
    t = 0
    for i in range(n):
        t += twice(i)
        t += add(i, 3)
    return t


print("plain and nested", sum_calls(3000))


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def dot(self, o):
        return self.x * o.x + self.y * o.y

    def plus(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def norm2(self):
        return self.dot(self)


def methods(n):
    a = Vec(1, 2)
    b = Vec(3, 4)
    t = 0
    for i in range(n):
        a = a.plus(b)
        t += a.norm2() % 1000
        if i == n // 2:
            # The receiver's values turn into floats mid-loop: the guards
            # inside the inlined methods leave for tier 1 in the callee.
            a = Vec(0.5, 1.5)
    return t


print("methods", methods(2000))


def fragile(x):
    if x % 700 == 699:
        raise ValueError("bad value %d" % x)
    return x


def catching(n):
    t = 0
    caught = 0
    for i in range(n):
        try:
            t += fragile(i)
        except ValueError as e:
            caught += 1
            last = str(e)
    return t, caught, last


print("exceptions", catching(3000))


def make_counter(step):
    def bump(v):
        return v + step

    return bump


bump = make_counter(5)


def closures(n):
    t = 0
    for i in range(n):
        t = bump(t)
    return t


print("closure", closures(3000))


def checked(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        return -1


def handlers(n):
    t = 0
    for i in range(n):
        t += checked(i % 50)
    return t


print("handler inside the callee", handlers(3000))

limit = 1


def scaled(x):
    return x * limit


def change_global(n):
    global limit
    t = 0
    for i in range(n):
        t += scaled(i)
        if i == n // 2:
            limit = 3
    return t


print("global changed", change_global(3000))


def version_a(x):
    return x + 1


def version_b(x):
    return x + 100


def swap_code(n):
    t = 0
    for i in range(n):
        t += version_a(i)
        if i == n // 2:
            version_a.__code__ = version_b.__code__
    return t


print("code replaced", swap_code(3000))


def down(k):
    if k == 0:
        return 0
    return down(k - 1) + 1


def recursion(n):
    t = 0
    for i in range(n):
        t += down(i % 7)
    return t


print("recursion", recursion(3000))


def deep(k):
    return deep(k + 1)


def overflow(n):
    hits = 0
    for i in range(n):
        try:
            deep(0)
        except RecursionError:
            hits += 1
    return hits


print("recursion errors", overflow(40))


def gen(k):
    yield k
    yield k + 1


def generators(n):
    t = 0
    for i in range(n):
        for v in gen(i):
            t += v
    return t


print("generators", generators(2000))


def worker(out, k):
    out[k] = methods(1500) + sum_calls(1500)


results = [0] * 4
threads = [threading.Thread(target=worker, args=(results, k)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads agree", len(set(results)) == 1, results[0])


def last_call(x):
    if x == 2999:
        raise KeyError("the end")
    return x


def uncaught(n):
    for i in range(n):
        last_call(i)


uncaught(3000)
