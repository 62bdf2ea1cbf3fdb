# Changing a dict's size while iterating it raises RuntimeError.
d = {i: i for i in range(5)}
try:
    for k in d:
        if k == 2:
            d[100] = 0
except RuntimeError as exc:
    print("RuntimeError:", exc)
try:
    for k in d:
        del d[k]
except RuntimeError as exc:
    print("RuntimeError:", exc)
for k in list(d):
    if k % 2:
        del d[k]
print(d)
for k in d:
    d[k] = "updated"
print(d)
