# break/continue only affect the innermost loop.
result = []
for i in range(5):
    if i == 1:
        continue
    for j in range(5):
        if j > i:
            break
        if (i + j) % 2:
            continue
        result.append((i, j))
print(result)
count = 0
i = 0
while i < 10:
    i += 1
    j = 0
    while True:
        j += 1
        if j >= i:
            break
        count += 1
print(count)
