# Function decorators: plain, parameterized, stacked, with state.
def trace(fn):
    def wrapper(*args, **kwargs):
        print("call", fn.__name__, args)
        result = fn(*args, **kwargs)
        print("return", result)
        return result

    return wrapper


def repeat(times):
    def deco(fn):
        def wrapper(*args):
            return [fn(*args) for _ in range(times)]

        return wrapper

    return deco


def count_calls(fn):
    def wrapper(*args):
        wrapper.calls += 1
        return fn(*args)

    wrapper.calls = 0
    return wrapper


@trace
def add(a, b):
    return a + b


@repeat(3)
@count_calls
def hello(name):
    return "hi " + name


add(2, 3)
print(hello("x"))


@count_calls
def noop():
    pass


for _ in range(5):
    noop()
print(noop.calls)
