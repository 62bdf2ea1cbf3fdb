# Augmented assignment on names, attributes and subscripts (evaluated once).
x = 10
x += 5
x -= 3
x *= 2
x //= 5
x **= 3
x %= 7
print(x)
f = 7.0
f /= 2
print(f)
bits = 0b1010
bits |= 0b0101
bits &= 0b1100
bits ^= 0b0001
bits <<= 2
bits >>= 1
print(bits)


class Box:
    pass


box = Box()
box.n = 1
box.n += 41
print(box.n)
data = [1, 2, 3]
data[1] += 10
data[-1] *= 3
print(data)
d = {"k": "a"}
d["k"] += "b"
print(d)
count = 0


def index():
    global count
    count += 1
    return 0


arr = [5]
arr[index()] += 1
print(arr, count)
s = "ab"
s *= 3
print(s)
