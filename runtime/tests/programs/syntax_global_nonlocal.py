# global and nonlocal declarations.
counter = 0


def bump():
    global counter
    counter += 1


for _ in range(3):
    bump()
print(counter)


def make():
    total = 0

    def add(v):
        nonlocal total
        total += v
        return total

    return add


add = make()
print(add(1), add(2), add(3))


def define_global():
    global created_later
    created_later = "made"


define_global()
print(created_later)


def outer():
    x = "outer"

    def middle():
        def inner():
            nonlocal x
            x = "inner"

        inner()

    middle()
    return x


print(outer())
