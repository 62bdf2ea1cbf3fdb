# Tier 1: calls of builtins (`len`, `isinstance`, other builtin functions and
# methods, builtin types) specialize, then meet rebound builtins, globals that
# shadow them, other callables at the same site, argument types the fast
# paths do not read directly, trace functions, and another thread rebinding a
# builtin while a loop spins on it.
import builtins
import math
import sys
import threading

real_len = len
real_isinstance = isinstance


def lengths(items):
    t = 0
    for x in items:
        t += len(x)
    return t


class Sized:
    def __len__(self):
        return 7


class LongList(list):
    def __len__(self):
        return 1000


things = [[1, 2], (1, 2, 3), "abcd", {1: 2}, {1, 2, 3, 4, 5}, frozenset([1]), range(9), Sized(),
          LongList([1]), "é✓", ""]
print(lengths(things * 50))
try:
    lengths([[1], 5])
except TypeError as e:
    print("TypeError:", e)


class Negative:
    def __len__(self):
        return -1


try:
    lengths([[1]] * 20 + [Negative()])
except ValueError as e:
    print("ValueError:", e)


def counted_len(x):
    return 100


# Rebound in builtins in the middle of a hot loop, then restored.
def lengths_rebinding(n):
    t = 0
    for i in range(n):
        if i == n // 2:
            builtins.len = counted_len
        t += len([i])
    builtins.len = real_len
    return t


print(lengths_rebinding(1000), lengths(["ab"] * 100))


# Shadowed by a module global mid-loop, then the global deleted.
def lengths_shadowing(n):
    global len
    t = 0
    for i in range(n):
        if i == 300:
            len = lambda x: -1
        if i == 600:
            del len
        t += len((i, i))
    return t


print(lengths_shadowing(900))


# One site, several callables (a polymorphic site keeps working).
def apply_all(funcs, x):
    return [f(x) for f in funcs]


def run_mixed(n):
    funcs = [len, sum, max, min, sorted, tuple, lambda v: v[0], len]
    out = 0
    for i in range(n):
        r = funcs[i % len(funcs)]([3, i, 2])
        out += r if isinstance(r, int) else len(r) + r[0]
    return out


print(run_mixed(2000))


# isinstance: classes, tuples, subclasses, bad second arguments, rebinding.
class Base:
    pass


class Derived(Base):
    pass


def classify(values, cls):
    return sum(1 for v in values if isinstance(v, cls))


values = [1, "s", 2.0, Base(), Derived(), [1], True, None] * 40
print(classify(values, int), classify(values, Base), classify(values, (str, float)), classify(values, object))
print(classify(values, Derived), classify(values, bool), classify(values, (list, (Base, type(None)))))
try:
    classify(values, 3)
except TypeError as e:
    print("TypeError:", e)


def instances(n):
    hits = 0
    for i in range(n):
        if i == n // 2:
            builtins.isinstance = lambda v, c: True
        hits += isinstance(i, str)
    builtins.isinstance = real_isinstance
    return hits


print(instances(1000))


# A class whose bases change under a hot isinstance site.
class Mixin:
    pass


class Plain:
    pass


class Late(Plain):
    pass


late = [Late() for _ in range(300)]
print(classify(late, Mixin))
Late.__bases__ = (Plain, Mixin)
print(classify(late, Mixin))


# Builtin functions and methods with up to eight arguments and more.
def spread(n):
    t = 0
    for i in range(n):
        t += max(i, 1, 2, 3, 4, 5, 6, 7) + min(i, 1, 2, 3, 4, 5, 6, 7, 8, 9) + abs(-i)
        t += round(math.sqrt(i)) + math.floor(i / 3) + divmod(i, 7)[1]
    return t


print(spread(3000))


def appends(target, n):
    add = target.append
    for i in range(n):
        add(i)
        target.append(1)
    return sum(target), len(target)


print(appends([], 500))


class Recorder(list):
    def append(self, v):
        list.append(self, v * 10)


print(appends(Recorder(), 500))


def via_module(n):
    t = 0.0
    for i in range(n):
        t += math.sqrt(i)
    return round(t, 6)


print(via_module(1000))
math.sqrt = lambda x: 1.0
print(via_module(1000))


# Builtin types called at hot sites: range, list, tuple, set, dict, int,
# float, str, type; range with big ints and bad arguments.
def construct(n):
    t = 0
    for i in range(n):
        t += len(range(i % 7)) + len(list((i, i))) + len(tuple([i])) + len(set([i, i])) + len(dict(a=i))
        t += int("12") + int(float(i)) + len(str(i)) + (type(i) is int) + len(range(1, i, 3))
    return t


print(construct(2000))


def ranges(bounds):
    out = []
    for b in bounds:
        try:
            out.append(len(range(*b)))
        except (TypeError, ValueError, OverflowError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    return out


print(ranges([(5,)] * 30 + [(2 ** 70,), (1, 2 ** 65, 2 ** 60), (True,), (1, 9, 0), (1.5,), ("x",), (1, 2, 3, 4), ()]))


def rebound_type(n):
    t = 0
    for i in range(n):
        if i == n // 2:
            builtins.range = lambda *a: [0, 0, 0]
        t += len(range(i % 5))
    del builtins.range
    return t


real_range = range
print(rebound_type(200))
builtins.range = real_range
print(len(range(10)))

# Trace and profile functions see the builtin calls of a hot site.
events = []


def profiler(frame, event, arg):
    if event.startswith("c_"):
        events.append((event, getattr(arg, "__name__", "?")))


def profiled(n):
    t = 0
    for i in range(n):
        if i == n - 2:
            sys.setprofile(profiler)
        t += len([i]) + abs(-i)
    sys.setprofile(None)
    return t


print(profiled(200), events)

# Another thread rebinds a builtin while this thread spins on a call of it:
# the loop only ends when the call sees the new binding.
spinning = threading.Event()


def rebinder():
    spinning.wait()
    builtins.len = lambda x: -5


worker = threading.Thread(target=rebinder)
worker.start()
spins = 0
probe = [1, 2, 3]
while len(probe) != -5:
    spins += 1
    if spins == 1000:
        spinning.set()
worker.join()
builtins.len = real_len
print("rebound after spinning:", spins >= 1000, len(probe))
