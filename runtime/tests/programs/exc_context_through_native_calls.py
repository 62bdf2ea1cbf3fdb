# An exception's implicit context is the exception handled where it was
# first raised; passing back through native calls (sorted's key, map)
# inside another handler does not change it.
def inner():
    try:
        1/0
    except ZeroDivisionError:
        raise KeyError("k")
def outer():
    try:
        raise ValueError("v")
    except ValueError:
        sorted([2, 1], key=lambda x: inner())
try:
    outer()
except KeyError as e:
    c = e.__context__
    print(type(c).__name__, type(c.__context__).__name__)
def inner2():
    return {}["x"]
def outer2():
    try:
        raise ValueError("v")
    except ValueError:
        try:
            list(map(lambda x: inner2(), [1]))
        except KeyError as e:
            print(type(e.__context__).__name__)
outer2()
