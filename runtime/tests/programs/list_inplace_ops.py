# += and *= mutate lists in place; + creates a new list.
a = [1, 2]
alias = a
a += [3]
print(a, alias, a is alias)
a *= 2
print(alias)
a = a + [4]
print(a, alias, a is alias)
b = [0]
b += "xy"
b += range(2)
print(b)
t = ([],)
try:
    t[0] += [1]
except TypeError as exc:
    print("TypeError:", exc)
print(t)
