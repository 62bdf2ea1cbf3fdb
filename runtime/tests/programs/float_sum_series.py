# Accumulating floats in loops (order matters for rounding).
s = 0.0
for i in range(1, 10001):
    s += 1.0 / (i * i)
print(s)
print(sum([0.1] * 10), sum([0.1] * 10) == 1.0)
pi = 0.0
sign = 1.0
for k in range(100000):
    pi += sign / (2 * k + 1)
    sign = -sign
print(pi * 4)
mean = sum(i * 0.5 for i in range(101)) / 101
print(mean)
