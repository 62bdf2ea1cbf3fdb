# A long linked structure and a deep nested list kept alive while garbage is produced around them.
head = None
for i in range(50000):
    head = (i, head)
length = 0
node = head
total = 0
while node is not None:
    total += node[0]
    length += 1
    node = node[1]
nested = []
cur = nested
for i in range(2000):
    nxt = [i]
    cur.append(nxt)
    cur = nxt
    junk = [str(j) for j in range(10)]
depth = 0
cur = nested
while len(cur) > 1 or (cur and isinstance(cur[-1], list)):
    cur = cur[-1]
    depth += 1
print(length, total, depth, junk[-1])
