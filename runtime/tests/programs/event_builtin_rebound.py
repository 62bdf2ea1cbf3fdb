# Event "builtin modified": builtins.len is replaced mid-loop, then restored.
import builtins

original_len = builtins.len
data = [1, 2, 3]
total = 0
for i in range(3000):
    total += len(data)
    if i == 1000:
        builtins.len = lambda obj: 100
    if i == 2000:
        builtins.len = original_len
print(total, len(data))
