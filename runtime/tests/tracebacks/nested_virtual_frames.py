# An error three inlined calls deep, each on a virtual frame (pushed only
# when the executor leaves inside them): the traceback names every frame
# and line as tier 1's would. (Each failing line is one whole expression,
# where CPython 3.11 prints no carets.)


def leaf(x):
    if x == 2999:
        MISSING
    return x


def middle(x):
    y = x + 1
    leaf(y - 1)
    return y


def outer(x):
    middle(x)
    return x * 2


def loop(n):
    for x in range(n):
        outer(x)


loop(3000)
