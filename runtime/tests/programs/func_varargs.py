# *args and **kwargs in definitions and calls.
def collect(first, *args, sep="-", **kwargs):
    return first, args, sep, sorted(kwargs.items())


print(collect(1))
print(collect(1, 2, 3))
print(collect(1, 2, sep="+", x=1, y=2))
nums = [4, 5, 6]
opts = {"sep": "/", "z": 26}
print(collect(*nums, **opts))
print(collect(0, *nums, *"ab", **{"k": 1}, **{"j": 2}))


def total(*values):
    s = 0
    for v in values:
        s += v
    return s


print(total(), total(1), total(*range(101)))


def passthrough(*args, **kwargs):
    return collect(*args, **kwargs)


print(passthrough("p", "q", sep=":"))
try:
    collect()
except TypeError as exc:
    print("TypeError:", exc)
try:
    collect(1, **{"sep": 1}, sep=2)
except TypeError as exc:
    print("TypeError:", exc)
