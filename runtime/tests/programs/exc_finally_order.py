# Order of finally blocks across nested calls and re-raises.
log = []


def inner():
    try:
        log.append("inner try")
        raise ValueError("x")
    finally:
        log.append("inner finally")


def outer():
    try:
        inner()
    except ValueError:
        log.append("outer except")
        raise
    finally:
        log.append("outer finally")


try:
    outer()
except ValueError:
    log.append("top")
print(log)


def finally_overrides():
    try:
        raise ValueError("lost")
    finally:
        return "finally value"


print(finally_overrides())


def finally_raises():
    try:
        raise ValueError("original")
    finally:
        raise KeyError("replacement")


try:
    finally_raises()
except KeyError as e:
    print(repr(e), repr(e.__context__))
