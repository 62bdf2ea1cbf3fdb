# Many computed floats: repr must round-trip and match CPython digit for digit.
x = 1.0
for i in range(40):
    x = x * 1.37 + 0.11
    print(x)
y = 1.0
for i in range(30):
    y /= 7.3
    print(y)
acc = 0.0
for i in range(1, 200):
    acc += 1.0 / i
print(acc)
for v in [0.1 * i for i in range(12)]:
    assert float(repr(v)) == v
    print(v)
