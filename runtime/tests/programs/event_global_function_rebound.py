# Event "global set": a global function called in a hot loop is rebound to another function.
def transform(x):
    return x + 1


def other(x):
    return x * 2


def drive():
    global transform
    total = 0
    for i in range(20000):
        total += transform(i)
        if i == 10000:
            transform = other
    return total


print(drive())
print(transform(21))
