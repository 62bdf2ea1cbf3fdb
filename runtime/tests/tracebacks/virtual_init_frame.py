# Errors inside an __init__ that tier 2 inlined on a virtual frame (pushed
# only when the executor leaves inside it): the traceback names every frame
# and line as tier 1's would, and an __init__ that returns a value fails at
# the call, as in CPython.


class Probe:
    def __init__(self, x):
        self.x = x
        if x == 2999:
            MISSING


class Returns:
    def __init__(self, x):
        self.x = x
        if x == 2999:
            return x


def returns(n):
    for x in range(n):
        Returns(x)


def probes(n):
    for x in range(n):
        Probe(x)


try:
    returns(3000)
except TypeError as e:
    print("TypeError:", e)
probes(3000)
