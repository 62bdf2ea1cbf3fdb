# Tier 1: operator and comparison forms specialize on a hot loop, then meet
# other operand types in the middle of it (ints that overflow, floats, strs,
# big ints, a user class) and must give exactly the generic results.
class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        return Money(self.cents + (other.cents if isinstance(other, Money) else other))

    def __lt__(self, other):
        return self.cents < (other.cents if isinstance(other, Money) else other)

    def __gt__(self, other):
        return self.cents > (other.cents if isinstance(other, Money) else other)

    def __repr__(self):
        return f"Money({self.cents})"


def accumulate(values):
    total = values[0]
    smaller = 0
    for v in values[1:]:
        total = total + v
        if v < values[0]:
            smaller += 1
    return total, smaller


ints = list(range(1, 2000))
print(accumulate(ints))
print(accumulate(ints[:1000] + [2 ** 46] * 4 + ints[:1000]))
print(accumulate([0.5] * 1500 + [1, 2, 3] + [0.25] * 10))
print(accumulate(["a"] * 300 + ["bc"] * 300)[0][-10:])
print(accumulate(ints[:500] + [10 ** 30, -(10 ** 30)] + ints[:500]))
print(accumulate([Money(1)] + [Money(2)] * 1000 + [3] * 10))


def mixed_compare(xs):
    out = []
    for i in range(len(xs) - 1):
        out.append(xs[i] == xs[i + 1])
        out.append(xs[i] < xs[i + 1] if type(xs[i]) == type(xs[i + 1]) else None)
    return out.count(True), out.count(False), out.count(None)


print(mixed_compare(list(range(1000)) + [1000.0, 999.5, "x", "x", "y"] + [7] * 100))


def divide_all(xs, d):
    out = 0.0
    for x in xs:
        out = out + x / d
    return out


print(divide_all([1.0] * 1000, 4.0))
try:
    divide_all([1.0] * 1000 + [2.0], 0.0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
