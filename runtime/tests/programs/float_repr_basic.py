# CPython's shortest round-trip float repr, including exponent thresholds.
values = [0.0, -0.0, 1.0, -1.5, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 100.0, 1e15, 1e16,
          1e17, 123456789012345678.0, 1e22, 1e-4, 1e-5, 0.0001234, 0.00001234,
          1.5e300, 5e-324, 1.7976931348623157e308, 2.5, 3.14159, 1e100, 9999999999999998.0,
          12345.678, 0.5, 1e-7, 4.35, 2 ** 0.5]
for v in values:
    print(repr(v), str(v))
print(float("inf"), float("-inf"), float("nan"), -float("inf"))
print([1.0, 2.5, 1e20], (0.1,), {"k": 1e-10})
