# Event "global set": a module global read in a hot loop is rebound by a function mid-loop.
SCALE = 1


def bump(v):
    global SCALE
    SCALE = v


def work(n):
    acc = 0
    for i in range(n):
        acc += SCALE
        if i == n // 3:
            bump(10)
        if i == 2 * n // 3:
            bump(100)
    return acc


print(work(30000))
print(SCALE)
