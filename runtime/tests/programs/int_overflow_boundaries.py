# Values around common machine-word boundaries must overflow into big ints exactly.
edges = [2 ** 31, 2 ** 32, 2 ** 47, 2 ** 48, 2 ** 53, 2 ** 62, 2 ** 63, 2 ** 64]
for e in edges:
    print(e - 1, e, e + 1, -e - 1, -e, -e + 1)
    print((e - 1) * 2, e * e, -(e * e), (e - 1) + (e - 1), -e - e)
m = 2 ** 63 - 1
print(m + 1, m * m, -m - 2, abs(-m - 1), (-m - 1) // -1)
x = 1
for i in range(70):
    x = x * 3 + 1
print(x)
y = x
for i in range(70):
    y = (y - 1) // 3
print(y)
n = 2 ** 47 - 1
print(n + n, n * 3, n - (-n), -n - n - 2)
print(140737488355327 + 1, -140737488355328 - 1, 281474976710655 * 281474976710655)
