# Tuples cannot be modified, but contained mutable objects can.
t = (1, [2], 3)
try:
    t[0] = 10
except TypeError as exc:
    print("TypeError:", exc)
t[1].append(4)
print(t)
try:
    del t[0]
except TypeError as exc:
    print("TypeError:", exc)
try:
    t.append(5)
except AttributeError as exc:
    print("AttributeError:", exc)
u = t
t += (5,)
print(u, t, u is t)
