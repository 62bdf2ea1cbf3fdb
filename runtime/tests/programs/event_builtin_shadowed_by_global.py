# A module global shadows a builtin mid-loop, then is deleted to reveal the builtin again.
def use_abs(v):
    return abs(v)


total = 0
for i in range(3000):
    total += use_abs(-i)
    if i == 1000:
        abs = lambda v: 0
    if i == 2000:
        del abs
print(total)
