# Event "global set" through globals(): writes to the module dict are seen by the loop.
mode = "a"


def step(i):
    return 1 if mode == "a" else 2


total = 0
for i in range(20000):
    total += step(i)
    if i == 10000:
        globals()["mode"] = "b"
print(total, mode)
