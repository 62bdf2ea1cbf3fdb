# Division of big integers by big and small divisors, both signs.
a = 3 ** 80
b = 7 ** 30
for x, y in [(a, b), (-a, b), (a, -b), (-a, -b), (a, 12345), (-a, 97)]:
    q, r = divmod(x, y)
    print(q, r, q * y + r == x)
print(a / b)
print(10 ** 40 / 10 ** 20)
