# Everyday code at module level: a script's loops read and write module
# globals (LOAD_GLOBAL/STORE_GLOBAL on the module dict), no functions.
total = 0
data = [i * 3 % 7 for i in range(1000)]
for k in range(7500):
    for x in data:
        if x > 3:
            total += x
        else:
            total -= 1
print(total)
