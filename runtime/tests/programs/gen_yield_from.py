# yield from delegates iteration, send and return values.
def inner(n):
    for i in range(n):
        got = yield i
        if got:
            print("inner got", got)
    return n * 100


def outer():
    r1 = yield from inner(2)
    print("r1", r1)
    r2 = yield from inner(3)
    print("r2", r2)
    yield from "xy"
    yield from [r1, r2]


g = outer()
print(next(g), g.send("hello"))
print(list(g))


def flatten(tree):
    for node in tree:
        if isinstance(node, list):
            yield from flatten(node)
        else:
            yield node


print(list(flatten([1, [2, [3, [4]], 5], [[6]]])))
