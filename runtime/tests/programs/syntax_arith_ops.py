# Arithmetic operators, precedence and unary operators on ints and floats.
a = 17
b = 5
print(a + b, a - b, a * b, a / b, a // b, a % b, a ** 2)
print(-a, +a, -(-a), - -a)
print(2 + 3 * 4, (2 + 3) * 4, 2 ** 3 ** 2, (2 ** 3) ** 2)
print(-2 ** 2, (-2) ** 2, 2 ** -1)
print(10 - 3 - 2, 100 / 10 / 2, 2 * 3 % 4)
print(7 / 2, 8 / 2, 1 / 3)
print(1 + 2.5, 3 * 0.5, 7 // 2.0, 7 % 2.5)
x = 3
x = x * x + 2 * x + 1
print(x)
print(not 0, not 1, not "", not "a", not None)
