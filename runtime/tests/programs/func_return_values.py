# Implicit None returns, multiple return values, early returns.
def nothing():
    pass


def implicit(x):
    if x:
        return
    print("fell through")


def pair():
    return 1, 2


print(nothing(), implicit(1), implicit(0), pair(), type(pair()).__name__)
q, r = divmod(17, 5)
print(q, r)


def first_negative(values):
    for v in values:
        if v < 0:
            return v
    return "none"


print(first_negative([3, -1, -5]), first_negative([]))
