# A memoizing decorator built from a closure over a dict.
def memoize(fn):
    cache = {}

    def wrapper(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]

    wrapper.cache = cache
    return wrapper


@memoize
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(90), len(fib.cache))


@memoize
def partitions(n):
    # Number of ways to write n as an ordered sum of 1s and 2s.
    return 1 if n < 2 else partitions(n - 1) + partitions(n - 2)


print([partitions(i) for i in range(15)])
