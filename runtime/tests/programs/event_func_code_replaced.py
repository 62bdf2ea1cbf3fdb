# Event "function modified": f.__code__ is replaced mid-loop.
def compute(x):
    return x + 1


def replacement(x):
    return x * 3


total = 0
for i in range(30000):
    total += compute(i)
    if i == 15000:
        compute.__code__ = replacement.__code__
print(total, compute(5), compute.__name__)
