# Generator functions: lazy evaluation, state across yields, exhaustion.
def countdown(n):
    print("starting")
    while n > 0:
        yield n
        n -= 1
    print("done")


g = countdown(3)
print(type(g).__name__)
print(next(g))
print(list(g))
print(list(g))
try:
    next(g)
except StopIteration:
    print("StopIteration")


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


out = []
for v in fib():
    if v > 100:
        break
    out.append(v)
print(out)
print(next(iter(countdown(1))))
