# while loops with else, break and continue.
n = 0
while n < 5:
    n += 1
else:
    print("finished at", n)
n = 0
while True:
    n += 1
    if n == 3:
        continue
    if n > 6:
        break
    print("n", n)
else:
    print("never printed")


def find_divisor(x):
    d = 2
    while d * d <= x:
        if x % d == 0:
            break
        d += 1
    else:
        return None
    return d


print([find_divisor(x) for x in (91, 97, 121, 2)])
