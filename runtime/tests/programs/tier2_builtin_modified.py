# Tier 2, event "builtin modified" (local to the builtins module, threshold
# 4): hot loops that call builtins and read names found in the builtins see
# `builtins.x = ...` and `del builtins.x` at once, in their own thread and in
# another one, also after the event's threshold.
import builtins

from _tier2_spin import Spinner

real_len = builtins.len
real_abs = builtins.abs


# (a) A builtin rebound inside the loop that calls it, then restored.
def lengths(n, change_at):
    items = [1, 2, 3]
    total = 0
    for i in range(n):
        total += len(items)
        if i == change_at:
            builtins.len = lambda x: 100
    builtins.len = real_len
    return total


print("a rebound", lengths(4000, 2000), len([1]))


# A name added to the builtins inside the loop, then deleted: the next read
# raises NameError.
def added(n, add_at, delete_at):
    total = 0
    try:
        for i in range(n):
            if i == add_at:
                builtins.bonus = 5
            if i > add_at:
                total += bonus  # noqa: F821 (a builtin from add_at on)
            if i == delete_at:
                del builtins.bonus
    except NameError as e:
        return total, i, str(e)
    return total, n, None


print("a added", added(4000, 1000, 3000))


# (b) Another thread spins on a name found in the builtins until it changes.
builtins.keep_spinning = True


def spin_on_builtin(s):
    n = 0
    while keep_spinning:  # noqa: F821 (a builtin)
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_builtin)
spinner.wait_hot()
builtins.keep_spinning = False
print("b name", spinner.join())


def spin_on_builtin_call(s):
    n = 0
    while abs(-1) == 1:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_builtin_call)
spinner.wait_hot()
builtins.abs = lambda x: 0
print("b call", spinner.join())
builtins.abs = real_abs


# (c) Past the threshold: abs is rebound every 100 iterations and every
# change is seen.
def flipping(n):
    total = 0
    for i in range(n):
        total += abs(-i)
        if i % 100 == 99:
            k = i // 100
            builtins.abs = lambda x, k=k: k
    builtins.abs = real_abs
    return total


print("c", flipping(6000), flipping(6000), abs(-3))
builtins.keep_spinning = True
spinner = Spinner(spin_on_builtin)
spinner.wait_hot()
builtins.keep_spinning = False
print("c spin", spinner.join())
del builtins.keep_spinning
