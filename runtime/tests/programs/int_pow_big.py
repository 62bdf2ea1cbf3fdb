# Exponentiation with big results and three-argument pow.
print(2 ** 200)
print(3 ** 100 - 2 ** 150)
print(pow(2, 100, 97), pow(3, 1000, 10 ** 9 + 7), pow(7, 0, 5), pow(-2, 3, 5))
print(pow(10, 30) // pow(10, 28))
print(pow(2, -2), 2 ** -3)
print(12345678901234567890 ** 2)
