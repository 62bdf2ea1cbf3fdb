# Tier 2, event "global set" (local to the module, threshold 8): hot loops
# that read module globals see them rebound and deleted at once, in their
# own thread and in another one, also after the event's threshold.
import _helper_counter
from _tier2_spin import Spinner

rate = 1
limit = 10


def double(x):
    return x * 2


def triple(x):
    return x * 3


# (a) A global rebound inside the loop that reads it, by `global`, through
# globals() and from another module's point of view (setattr on the module).
def rated(n, change_at):
    global rate
    total = 0
    for i in range(n):
        total += rate
        if i == change_at:
            rate = 4
    return total


print("a global", rated(4000, 2000))


def through_dict(n, change_at):
    total = 0
    for i in range(n):
        total += limit
        if i == change_at:
            globals()["limit"] = -1
    return total


print("a globals()", through_dict(4000, 2000))


def function_rebound(n, change_at):
    global double
    total = 0
    for i in range(n):
        total += double(i)
        if i == change_at:
            double = triple
    return total


print("a function", function_rebound(4000, 1000))


# Another module's globals: one read through the module, one read by the
# module's own function; rebound from here and by the module itself.
def imported(n, change_at):
    total = 0
    for i in range(n):
        total += _helper_counter.SCALE + _helper_counter.scaled(10)
        if i == change_at:
            _helper_counter.set_scale(9)
        if i == change_at + 500:
            _helper_counter.SCALE = 2
    return total


print("a module", imported(3000, 1500))


# A global that shadows a builtin, deleted inside the loop: the builtin
# shows through.
def len(x):
    return 1000


def shadowed(n, change_at):
    global len
    items = [1, 2]
    total = 0
    for i in range(n):
        total += len(items)
        if i == change_at:
            del len
    return total


print("a del", shadowed(3000, 1000))


# (b) Another thread spins on a global until this one rebinds it, then on a
# global this one deletes.
running = True


def spin_on_global(s):
    n = 0
    while running:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_global)
spinner.wait_hot()
running = False
print("b rebound", spinner.join())


def max(a, b):
    return a


def spin_on_shadowing_global(s):
    n = 0
    while max(0, 1) == 0:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_shadowing_global)
spinner.wait_hot()
del max
print("b del", spinner.join())


# (c) Past the threshold: the global changes every 100 iterations and every
# change is seen.
step = 0


def flipping(n):
    global step
    total = 0
    for i in range(n):
        total += step
        if i % 100 == 99:
            step = i // 100
    return total


print("c", flipping(6000), flipping(6000))
running = True
spinner = Spinner(spin_on_global)
spinner.wait_hot()
running = False
print("c spin", spinner.join())
