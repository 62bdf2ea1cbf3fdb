# Arbitrary precision: factorials and digit sums.
f = 1
for i in range(1, 101):
    f *= i
print(f)
print(len(str(f)), sum(int(c) for c in str(f)))
g = f
while g % 10 == 0:
    g //= 10
print(g % 1000)
print(f // (f // 97), f % 1000003)
