# Event "builtin modified": a new builtin name appears (NameError stops) and is deleted again.
import builtins


def lookup():
    return extra_builtin_value


hits = 0
misses = 0
for i in range(3000):
    try:
        hits += lookup()
    except NameError:
        misses += 1
    if i == 1000:
        builtins.extra_builtin_value = 2
    if i == 2000:
        del builtins.extra_builtin_value
print(hits, misses)
