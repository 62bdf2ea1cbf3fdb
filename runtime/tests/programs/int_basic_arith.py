# Integer arithmetic on small values, including true division results.
for a, b in [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5), (12, 4)]:
    print(a, b, a + b, a - b, a * b, a / b, a // b, a % b, divmod(a, b))
print(2 ** 10, 2 ** 0, 0 ** 0, (-3) ** 3, 10 ** -2)
print(abs(-5), -0, int(-0))
total = 0
for i in range(1, 101):
    total += i * i
print(total)
