# Closures capture variables, not values.
fns = []
for i in range(4):
    def f():
        return i
    fns.append(f)
print([f() for f in fns])
fixed = [(lambda i=i: i) for i in range(4)]
print([f() for f in fixed])


def outer():
    x = 1

    def get():
        return x

    x = 2
    return get


print(outer()())


def make_pair():
    value = [0]

    def inc():
        value[0] += 1

    def read():
        return value[0]

    return inc, read


inc, read = make_pair()
inc()
inc()
print(read())
