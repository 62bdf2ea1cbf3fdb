# Stores, deletions, assertions and decorators carry their own positions:
# the target, the test, the decorator.
def check(items):
    items[3] = 0


def strict(func):
    assert func.__name__.startswith("test"), "not a test"
    return func


def main():
    values = [1, 2, 3]
    try:
        check(values)
    except IndexError:
        del values[len(values)]


try:
    main()
except IndexError:
    pass


@strict
def helper():
    pass
