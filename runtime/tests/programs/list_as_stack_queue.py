# Using lists as stacks and simple queues.
stack = []
for i in range(5):
    stack.append(i * i)
out = []
while stack:
    out.append(stack.pop())
print(out)
queue = list("abcde")
order = []
while queue:
    head = queue.pop(0)
    order.append(head)
    if head == "b":
        queue.append("z")
print(order)
matrix = [[r * 3 + c for c in range(3)] for r in range(3)]
transposed = [[row[i] for row in matrix] for i in range(3)]
print(matrix, transposed)
