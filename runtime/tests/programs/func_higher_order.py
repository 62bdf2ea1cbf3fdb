# Functions as values: passing, returning, storing in containers.
def apply_twice(f, x):
    return f(f(x))


def make_multiplier(k):
    def mul(v):
        return v * k

    return mul


ops = {"double": make_multiplier(2), "triple": make_multiplier(3), "neg": lambda v: -v}
for name in sorted(ops):
    print(name, ops[name](7), apply_twice(ops[name], 7))
pipeline = [ops["double"], ops["neg"], abs, str]
value = 5
for step in pipeline:
    value = step(value)
print(repr(value))
print(list(map(make_multiplier(10), [1, 2, 3])), list(filter(lambda v: v % 2, range(10))))
