# De-duplicating with sets while keeping first-seen order.
data = [i * 7 % 23 for i in range(100)]
seen = set()
unique = []
for x in data:
    if x not in seen:
        seen.add(x)
        unique.append(x)
print(unique, len(seen))
pairs = {(i % 5, i % 3) for i in range(30)}
print(len(pairs), sorted(pairs)[:6])
