# An error inside a small function that tier 2 inlined on a virtual frame
# (pushed only when the executor leaves inside it): the traceback names
# every frame and line as tier 1's would. (Each failing line is one whole
# expression, where CPython 3.11 prints no carets.)


def probe(x):
    if x == 2999:
        MISSING
    return x


def probes(n):
    for x in range(n):
        probe(x)


probes(3000)
