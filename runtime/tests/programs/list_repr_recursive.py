# Recursive containers print with ellipses.
a = [1, 2]
a.append(a)
print(a, len(a), a[2][2][0])
d = {"k": 1}
d["self"] = d
print(d)
b = [a, a]
print(b)
