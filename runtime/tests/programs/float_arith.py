# Float arithmetic, floor division and modulo with signs.
for a, b in [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-7.5, -2.0), (1.0, 0.3), (5.0, 0.1)]:
    print(a + b, a - b, a * b, a / b, a // b, a % b, divmod(a, b))
print(2.0 ** 10, 2.0 ** -1, 4 ** 0.5, (-8.0) ** 2, 10.0 ** 20)
print(0.1 + 0.2 == 0.3, abs(0.1 + 0.2 - 0.3) < 1e-15)
print(1e308 * 10, -1e308 * 10)
print(3 * 0.1, 0.1 * 3, 1 - 0.9)
