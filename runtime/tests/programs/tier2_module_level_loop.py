# Tier 2: a loop at module level reads and writes module globals on every
# iteration, so the module passes the "global set" threshold and its loads
# stay loads (looked for where the executor's build found each name). The
# names move: one is deleted and bound again (a new position), a global
# shadows a builtin and is deleted, and globals() adds names meanwhile.
total = 0
step = 1
scale = 3
data = [i * 3 % 7 for i in range(200)]
for k in range(60):
    for x in data:
        if x > 3:
            total += x * scale
        else:
            total -= step
    if k == 10:
        del scale
        scale = 5
    if k == 20:
        for n in range(30):
            globals()["filler%d" % n] = n
    if k == 30:
        del step
        globals()["step"] = 2
print(total, scale, step, filler29)

count = 0
for k in range(3000):
    count += len(data)
    if k == 1000:
        def len(items):
            return 1
    if k == 2000:
        del len
print(count)

# A name missing from the module until the loop binds it: the first reads
# raise NameError, the later ones find it.
missing = 0
for k in range(2000):
    try:
        missing += late
    except NameError:
        missing -= 1
    if k == 1500:
        late = 7
print(missing)
