# Many short-lived containers, strings, big ints and floats; results depend on surviving objects.
table = {}
for i in range(30000):
    key = "k" + str(i % 500)
    entry = table.get(key)
    if entry is None:
        entry = table[key] = [0, 0.0, ()]
    entry[0] += i
    entry[1] += i / 7
    entry[2] = (i, str(i), [i] * 2)
    big = (i + 1) ** 5 * 10 ** 12
    entry[0] += big % 3
print(len(table), table["k0"][0], table["k499"][1], table["k7"][2])
