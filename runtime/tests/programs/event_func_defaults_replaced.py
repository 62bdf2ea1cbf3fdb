# Event "function modified": f.__defaults__ is replaced mid-loop.
def scaled(x, factor=2):
    return x * factor


total = 0
for i in range(30000):
    total += scaled(i)
    if i == 10000:
        scaled.__defaults__ = (5,)
    if i == 20000:
        scaled.__defaults__ = None
        break
print(total)
try:
    scaled(1)
except TypeError as e:
    print("TypeError:", e)
scaled.__defaults__ = (1,)
print(scaled(7))
