# Slice read, write and delete with steps and negative bounds.
a = list(range(10))
print(a[2:5], a[:3], a[7:], a[-3:], a[::3], a[::-1], a[8:2:-2], a[-1:-4:-1], a[5:2], a[100:200])
b = a[:]
b[2:5] = ["x"]
print(b)
b[1:1] = [100, 200]
print(b)
b[::2] = [0] * len(b[::2])
print(b)
del b[::3]
print(b)
del b[1:3]
print(b)
c = list(range(6))
c[len(c):] = [6, 7]
c[:0] = [-1]
print(c)
try:
    c[::2] = [1]
except ValueError as exc:
    print("ValueError:", exc)
