# Conversions between floats and ints, rounding rules, overflow.
print(int(3.7), int(-3.7), int(1e18), int(2.0 ** 70), float(10 ** 18), float(2 ** 70))
print(round(2.5), round(3.5), round(-2.5), round(0.5), round(1.5), round(2.675, 2), round(1.23456, 3))
print(round(7.0), type(round(7.0)), round(7.5, 0), type(round(7.5, 0)))
print(float(123), float("  1.25 "), float("-0"), float("1e-3"), float(True))
try:
    float(10 ** 400)
except OverflowError as exc:
    print("OverflowError:", exc)
try:
    int(float("inf"))
except OverflowError as exc:
    print("OverflowError:", exc)
try:
    int(float("nan"))
except ValueError as exc:
    print("ValueError:", exc)
try:
    float("abc")
except ValueError as exc:
    print("ValueError:", exc)
print((2.5).is_integer(), (3.0).is_integer(), (0.75).as_integer_ratio())
print(10 ** 20 / 3, 7 / 7, 2 ** 60 / 2 ** 10)
