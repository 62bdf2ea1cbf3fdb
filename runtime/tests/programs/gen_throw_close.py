# generator.throw() raises at the paused yield; close() after a swallowed GeneratorExit.
def g():
    try:
        yield 1
    except ValueError as e:
        print("caught", e)
        yield 2
    finally:
        print("fin")
x = g()
print(next(x))
print(x.throw(ValueError("boom")))
try:
    x.throw(KeyError)
except KeyError as e:
    print("KeyError out", repr(e))
y = g()
try:
    y.throw(ValueError)
except ValueError:
    print("not started")
print(list(y))
def h():
    try:
        yield 1
    except GeneratorExit:
        yield 5
z = h(); next(z)
try:
    z.close()
except RuntimeError as e:
    print(e)
