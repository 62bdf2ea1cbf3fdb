# Insertion order is preserved; overwriting keeps position; delete + reinsert moves to the end.
d = {}
for k in ["zeta", "alpha", "mid", 3, 1.5, (1, 2), None]:
    d[k] = str(k)
print(list(d))
d["alpha"] = "changed"
print(list(d.items())[:3])
del d["zeta"]
d["zeta"] = "back"
print(list(d))
big = {}
for i in range(1000, 0, -7):
    big[i] = i
for i in range(1000, 0, -14):
    del big[i]
print(list(big)[:10], len(big))
for i in range(0, 50):
    big[i * 3] = i
print(list(big)[-10:], len(big))
