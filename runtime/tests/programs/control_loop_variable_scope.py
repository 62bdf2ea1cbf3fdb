# Loop variables remain bound after the loop; functions see the latest value.
for i in range(4):
    pass
print(i)
fns = []
for i in range(3):
    fns.append(lambda: i)
print([f() for f in fns])
x = "before"
for x in []:
    pass
print(x)
total = 0
for total in range(5):
    total += 100
print(total)
