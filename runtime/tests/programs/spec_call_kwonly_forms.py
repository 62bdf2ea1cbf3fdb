# Tier 1: calls with positional arguments only, of functions whose
# keyword-only parameters all have defaults, fill those parameters from
# __kwdefaults__ as they run. Each meets what breaks it mid-loop:
# __kwdefaults__ replaced, changed in place, a key deleted (the call then
# raises as the generic one does), set to None, a keyword-only parameter
# without a default; and methods, bound methods, __init__, generators,
# closures over a keyword-only parameter, and tier 2's constant calls.


def scaled(x, *, k=2):
    return x * k


def run(f, n, change_at=-1, change=None):
    t = 0
    for i in range(n):
        t += f(i)
        if i == change_at:
            change()
    return t


# Tier 2 calls the global function without a guard (first, before any
# __kwdefaults__ assignment is an event past its threshold); a key deleted
# in place is no event, and the call still raises as the generic one does.
def direct(n, drop_at):
    t = 0
    for i in range(n):
        t += scaled(i)
        if i == drop_at:
            del scaled.__kwdefaults__["k"]
    return t


print(direct(3000, -1))
try:
    direct(3000, 2000)
except TypeError as e:
    print("TypeError:", e)
scaled.__kwdefaults__["k"] = 2
print(run(scaled, 3000))
print(run(scaled, 3000, 1000, lambda: setattr(scaled, "__kwdefaults__", {"k": 3})))
print(run(scaled, 3000, 1000, lambda: scaled.__kwdefaults__.update(k=5)))
scaled.__kwdefaults__["extra"] = 100
print(run(scaled, 3000), sorted(scaled.__kwdefaults__))


def drop():
    del scaled.__kwdefaults__["k"]


try:
    run(scaled, 3000, 1000, drop)
except TypeError as e:
    print("TypeError:", e)
scaled.__kwdefaults__ = {"k": 2}
try:
    run(scaled, 3000, 1000, lambda: setattr(scaled, "__kwdefaults__", None))
except TypeError as e:
    print("TypeError:", e)
scaled.__kwdefaults__ = {"k": 2}


# Positional defaults and keyword-only ones together; a required one.
def mixed(a, b=10, *, c=100, d=1000):
    return a + b + c + d


def needs(a, *, c):
    return a + c


print(run(mixed, 3000))
print(run(lambda i: mixed(i, i), 3000))
try:
    run(needs, 10)
except TypeError as e:
    print("TypeError:", e)
needs.__kwdefaults__ = {"c": 7}
print(run(needs, 3000))


# Methods, bound methods and __init__.
class Acc:
    def __init__(self, start, *, step=1):
        self.value = start
        self.step = step

    def add(self, x, *, times=2):
        return x * times + self.step


def methods(n):
    t = 0
    acc = Acc(0)
    bound = acc.add
    for i in range(n):
        t += acc.add(i) + bound(1) + Acc(i).step
        if i == n // 2:
            Acc.add.__kwdefaults__ = {"times": 3}
            Acc.__init__.__kwdefaults__ = {"step": 4}
    return t


print(methods(3000))


# A generator and a closure over a keyword-only parameter.
def count(n, *, start=0):
    i = start
    while i < n:
        yield i
        i += 1


def gens(n):
    t = 0
    for i in range(n):
        t += sum(count(3))
        if i == n // 2:
            count.__kwdefaults__ = {"start": 1}
    return t


print(gens(2000))


def adder(x, *, k=5):
    def inner():
        return x + k

    return inner()


print(run(adder, 3000, 1500, lambda: adder.__kwdefaults__.__setitem__("k", 6)))
