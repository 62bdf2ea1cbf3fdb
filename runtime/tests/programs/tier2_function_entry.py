# Loop-free functions that tier 1 calls (a builtin's callback, recursion
# deeper than tier 2 inlines, a method called from another function that
# tier 1 runs) get function-entry executors once hot. Each way their
# assumptions can break, or their executor can leave, must give CPython's
# results.

scale = 2


def weigh(x):
    # Reads a global: assumed constant by the executor.
    return x * scale + 1


def calls(n):
    return sum(map(weigh, range(n)))


print("before", calls(500))
scale = 3
print("global rebound", calls(500))
del scale
try:
    calls(10)
except NameError as e:
    print("NameError:", e)
scale = 4
print("global back", calls(500))


class Meter:
    unit = 10

    def __init__(self, v):
        self.v = v

    def reading(self):
        return self.v * self.unit


def read_all(meters):
    return [m.reading() for m in meters]


def read(m):
    return m.reading() + 1


meters = [Meter(i) for i in range(300)]
print("readings", sum(map(read, meters)))
Meter.unit = 7
print("class attribute set", sum(map(read, meters)))


class Fine(Meter):
    unit = 1


meters[150] = Fine(150)
print("another class", sum(map(read, meters)))
meters[10].__class__ = Fine
print("class assigned", sum(map(read, meters)))


def kinds(v):
    # Ints, then floats, then strings: the executor's guards fail and
    # tier 1 takes over where they do.
    if v == 7:
        return v - 100
    return v + v


print("ints", sum(map(kinds, range(400))))
print("floats", sum(map(kinds, [x + 0.5 for x in range(400)])))
print("strings", "".join(map(kinds, ["a", "b", "c"] * 3)))
try:
    print(sum(map(kinds, [1, 2, None])))
except TypeError as e:
    print("TypeError:", e)


def fragile(x):
    try:
        return 100 // x
    except ZeroDivisionError:
        return -1


print("handled", sum(map(fragile, list(range(-50, 50)) * 5)))


def unhandled(x):
    return 100 // x


try:
    sum(map(unhandled, list(range(1, 300)) + [0]))
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print("recursion", fib(20))


def helper(x):
    return x + 1


def uses_helper(x):
    return helper(x) * 2


print("helper", sum(map(uses_helper, range(300))))


def new_helper(x):
    return x - 1


helper.__code__ = new_helper.__code__
print("code replaced", sum(map(uses_helper, range(300))))


def with_defaults(x, k=3):
    return x * k


print("defaults", sum(map(with_defaults, range(300))))
with_defaults.__defaults__ = (5,)
print("defaults replaced", sum(map(with_defaults, range(300))))

# Two threads call the same functions at once, each entering the shared
# executors through its own copy of the code.
import threading


def worker(out, k):
    out[k] = calls(3000) + sum(map(read, meters)) + fib(15)


outs = [0, 0]
threads = [threading.Thread(target=worker, args=(outs, k)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads", outs)
