# Small inlined functions whose micro-ops cannot look for their frame run
# on a virtual frame in tier 2: the frame is pushed only if the executor
# leaves inside the callee. Every such exit must leave exactly the frames
# and locals tier 1 would: a guard failing, an error, a global missing, a
# local unbound, defaults in use, and the recursion limit. (The tracebacks
# are checked by runtime/tests/tracebacks/virtual_frame.py.)
import sys


def area(w, h):
    s = w * h
    return s + 0.5


def areas(n, h):
    total = 0.0
    for i in range(n):
        total += area(i * 1.5, h)
    return total


def pick(a, b):
    if a > b:
        return a - b
    return b - a


def picks(items):
    total = 0
    for x in items:
        total += pick(x, 7)
    return total


def ratio(a, b):
    return a // b


def ratios(items):
    total = 0
    for x in items:
        total += ratio(100, x)
    return total


def scaled(x):
    return x * FACTOR


def scale_all(n):
    total = 0
    for i in range(n):
        total += scaled(i)
    return total


def maybe(x):
    if x > 2990:
        return y
    y = x + 1
    return y


def maybes(n):
    total = 0
    for i in range(n):
        total += maybe(i)
    return total


def with_default(x, k=3):
    return x * k


def defaults(n):
    total = 0
    for i in range(n):
        total += with_default(i) if i % 2 else with_default(i, 2)
    return total


def get_x(p):
    return p.x


class P:
    def __init__(self, x):
        self.x = x


class Q:
    x = 5


def xs(points):
    total = 0
    for p in points:
        total += get_x(p)
    return total


def depth_probe(n):
    # The first iteration calls nothing, so the first call may come from
    # the executor (entered at the back-edge), through a virtual frame.
    total = 0
    for i in range(n):
        if i:
            total += area(i, 2)
    return total


def recurse(k, n):
    if k == 0:
        return depth_probe(n)
    return recurse(k - 1, n)


def depth_left(n=0):
    try:
        return depth_left(n + 1)
    except RecursionError:
        return n


class Loud:
    def __bool__(self):
        # How many frames are below this one: the frame of the function
        # that tested this value counts, virtual or not.
        print("__bool__ ran, frames below:", TOP - depth_left())
        return False

    def __neg__(self):
        print("__neg__ ran")
        return 0


def truthy(v):
    if v:
        return 1
    return 0


def negated(v):
    return -v


def both(a, b):
    return a and b


def truths(items):
    total = 0
    for v in items:
        total += truthy(v) + negated(v) + (1 if both(v, 1) else 0)
    return total


def main():
    # Floats, then an int height: the float guard fails inside area().
    print(areas(3000, 2.0), areas(3000, 2))
    # An int, then a str: the comparison's guard fails inside pick().
    try:
        print(picks(list(range(3000)) + ["x"]))
    except TypeError as e:
        print("TypeError:", e)
    # A zero divisor inside ratio(): the traceback names ratio's line.
    try:
        ratios(list(range(1, 3000)) + [0])
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
    # A global that does not exist yet, then does.
    try:
        scale_all(3000)
    except NameError as e:
        print("NameError:", e)
    global FACTOR
    FACTOR = 3
    print(scale_all(3000))
    # An unbound local inside maybe().
    try:
        maybes(3000)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    # Defaults in use: a real frame, every other call.
    print(defaults(3000))
    # Instances, then a class with a class attribute: the class guard.
    print(xs([P(i) for i in range(3000)] + [Q()]))
    global TOP
    TOP = depth_left()
    # Ints, then an instance whose truth and negation are Python code:
    # on a virtual frame they leave for tier 1, which runs them.
    print(truths(list(range(3000)) + [Loud()]))
    # Near the recursion limit: the frames inlined calls stand for count.
    limit = sys.getrecursionlimit()
    deepest = None
    for k in range(limit - 12, limit):
        try:
            recurse(k, 3000)
            deepest = k
        except RecursionError:
            break
    print("deepest recursion below the limit:", limit - deepest)


main()
