# Tier 2, event "function modified" (global, threshold 1): hot loops that
# call a function see `f.__code__`, `f.__defaults__` and `f.__kwdefaults__`
# set at once, in their own thread and in another one, also after the
# event's threshold.
from _tier2_spin import Spinner


def add_one(x):
    return x + 1


def times_ten(x):
    return x * 10


def with_default(x, y=1):
    return x + y


def with_kwdefault(x, *, y=1):
    return x + y


class Shape:
    def area(self, k=1):
        return k


# (a) Each attribute set inside the loop that calls the function.
def through_code(n, change_at):
    total = 0
    for i in range(n):
        total += add_one(i)
        if i == change_at:
            add_one.__code__ = times_ten.__code__
    return total


print("a code", through_code(4000, 2000))


def through_defaults(n, change_at):
    total = 0
    for i in range(n):
        total += with_default(i)
        if i == change_at:
            with_default.__defaults__ = (1000,)
    return total


print("a defaults", through_defaults(4000, 2000))


def through_kwdefaults(n, change_at):
    total = 0
    for i in range(n):
        total += with_kwdefault(i)
        if i == change_at:
            with_kwdefault.__kwdefaults__ = {"y": -5}
    return total


print("a kwdefaults", through_kwdefaults(4000, 2000))


# A method's defaults, called through an instance.
def method_defaults(n, change_at):
    s = Shape()
    total = 0
    for i in range(n):
        total += s.area()
        if i == change_at:
            Shape.area.__defaults__ = (7,)
    return total


print("a method", method_defaults(4000, 1000))


# (b) Another thread spins on a function's result until its code changes,
# then on its defaults, then on its keyword defaults.
def keep_going():
    return True


def stop():
    return False


def spin_on_call(s):
    n = 0
    while keep_going():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_call)
spinner.wait_hot()
keep_going.__code__ = stop.__code__
print("b code", spinner.join())


def going(on=True):
    return on


def spin_on_default(s):
    n = 0
    while going():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_default)
spinner.wait_hot()
going.__defaults__ = (False,)
print("b defaults", spinner.join())


def going_kw(*, on=True):
    return on


def spin_on_kwdefault(s):
    n = 0
    while going_kw():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_kwdefault)
spinner.wait_hot()
going_kw.__kwdefaults__ = {"on": False}
print("b kwdefaults", spinner.join())


# (c) Past the threshold: the defaults change every 100 iterations and the
# code every 1000; every change is seen.
def scale(x, k=0):
    return x * k


def shift(x, k=0):
    return x + k


def flipping(n):
    total = 0
    codes = [scale.__code__, shift.__code__]
    for i in range(n):
        total += scale(i)
        if i % 100 == 99:
            scale.__defaults__ = (i // 100,)
        if i % 1000 == 999:
            scale.__code__ = codes[(i // 1000) % 2]
    return total


print("c", flipping(6000))
going.__defaults__ = (True,)
spinner = Spinner(spin_on_default)
spinner.wait_hot()
going.__defaults__ = (False,)
print("c spin", spinner.join())
