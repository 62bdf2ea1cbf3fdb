# A module's or a class's attribute that tier 2 makes a constant, taken
# by a fused operation as its operand: when the operation's guard fails
# (the other operand stops being a number), tier 1 must resume where the
# module or class is loaded, with the stack as it has it there.
import math


class Scale:
    FACTOR = 2.5


def scaled(values):
    total = 0.0
    for x in values:
        total += math.pi * x
    return total


def factored(values):
    total = 0
    for x in values:
        total = total + Scale.FACTOR * x
    return total


class Weird:
    def __rmul__(self, other):
        return 1.0


values = [1.0] * 3000 + [Weird()] + [2] * 10
print(round(scaled(values), 6))
print(round(factored(values), 6))
try:
    scaled([1.0] * 3000 + ["x"])
except TypeError as e:
    print("TypeError:", e)
try:
    factored([1.0] * 3000 + [None])
except TypeError as e:
    print("TypeError:", e)
