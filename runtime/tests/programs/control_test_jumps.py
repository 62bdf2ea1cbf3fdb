# Tests (`if`, `elif`, `while`, `assert`, conditional expressions,
# comprehension filters) built from `not`, `and`, `or` and chained
# comparisons: each operand's truth is taken once, operands are evaluated
# left to right and only as far as needed, and a chain's middle operand is
# evaluated once whatever it is.

log = []


class Loud:
    """Records every comparison and truth test made on it."""

    def __init__(self, name, value):
        self.name = name
        self.value = value

    def __lt__(self, other):
        log.append(f"{self.name}<{getattr(other, 'name', other)}")
        return Loud(f"({self.name}<)", self.value < getattr(other, "value", other))

    def __le__(self, other):
        log.append(f"{self.name}<={getattr(other, 'name', other)}")
        return self.value <= getattr(other, "value", other)

    def __bool__(self):
        log.append(f"bool({self.name})")
        return bool(self.value)


def counted(name, value):
    log.append(f"eval {name}")
    return Loud(name, value)


def show(label):
    print(label, log)
    log.clear()


def branches(a, b, c):
    if a < b < c:
        show("if chain true")
    else:
        show("if chain false")
    if not (a < b) or c:
        show("not-or true")
    elif a and not b:
        show("elif true")
    else:
        show("else")
    x = "yes" if a and (b or c) else "no"
    show("ternary " + x)


branches(Loud("a", 1), Loud("b", 2), Loud("c", 3))
branches(Loud("a", 2), Loud("b", 1), Loud("c", 0))
branches(Loud("a", 0), Loud("b", 0), Loud("c", 5))

# A middle operand that is a call is evaluated once, even though the
# chain has three links.
if counted("p", 1) < counted("q", 2) < counted("r", 3) < counted("s", 4):
    show("call chain true")
if counted("p", 1) < counted("q", 0) < counted("r", 3):
    show("unreachable")
show("call chain false")


def loops(lo, hi):
    steps = []
    i = lo - 3
    while not lo <= i < hi or i % 3:
        steps.append(i)
        i += 1
        if i > hi + 5:
            break
    while lo <= i < hi and i != hi - 1:
        i += 1
    steps.append(i)
    return steps


print(loops(0, 10), loops(5, 6))
print([n for n in range(30) if 3 < n <= 20 and not n % 2 or n == 29])
print([n for n in range(12) if not 2 <= n < 8])
print(sum(1 for a in range(10) for b in range(10) if a < b < 7 or a == b == 9))


def asserts(v):
    assert 0 <= v < 10, f"{v} out of range"
    assert not (3 < v < 5) or v == 4
    return v


print(asserts(3), asserts(9))
try:
    asserts(12)
except AssertionError as e:
    print("AssertionError:", e)


def unbound_middle(flag):
    if flag:
        m = 5
    if 0 < m < 10:
        return "in"
    return "out"


print(unbound_middle(True))
try:
    unbound_middle(False)
except UnboundLocalError as e:
    print("UnboundLocalError:", e)

# Errors inside a chain in a test propagate from the right link.
try:
    if 1 < 2 < "x":
        pass
except TypeError as e:
    print("TypeError:", e)
try:
    while 0 <= None:
        pass
except TypeError as e:
    print("TypeError:", e)

# A truth test that raises.


class Bad:
    def __bool__(self):
        raise ValueError("no truth")


for test in (lambda: 1 if Bad() else 2, lambda: [1 for _ in (1,) if not Bad()]):
    try:
        test()
    except ValueError as e:
        print("ValueError:", e)

# Identity, membership and equality chains.
xs = [1, 2, 3]
y = 2
if 1 in xs == True:
    print("never: (1 in xs) and (xs == True)")
if y in xs is not None:
    print("in and is not")
print("done" if None is None is not xs else "no")
