# Chained generators forming a processing pipeline.
def numbers(limit):
    n = 0
    while n < limit:
        yield n
        n += 1


def only_odd(src):
    for v in src:
        if v % 2:
            yield v


def squared(src):
    for v in src:
        yield v * v


def running_total(src):
    total = 0
    for v in src:
        total += v
        yield total


print(list(running_total(squared(only_odd(numbers(20))))))
print(sum(squared(numbers(10000))))


def take(n, it):
    for _ in range(n):
        yield next(it)


def naturals():
    n = 1
    while True:
        yield n
        n += 1


print(list(take(5, squared(naturals()))))
