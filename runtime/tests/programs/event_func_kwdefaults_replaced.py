# Event "function modified": f.__kwdefaults__ is replaced mid-loop.
def fmt(x, *, sep=","):
    return len(str(x) + sep)


total = 0
for i in range(20000):
    total += fmt(i)
    if i == 10000:
        fmt.__kwdefaults__ = {"sep": "::::"}
print(total, fmt.__kwdefaults__)
fmt.__kwdefaults__ = None
try:
    fmt(1)
except TypeError as e:
    print("TypeError:", e)
