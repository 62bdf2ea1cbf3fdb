# Chained assignment and evaluation order of assignment targets.
a = b = c = []
a.append(1)
print(a, b, c, a is c)
x = y = 5
x += 1
print(x, y)
order = []


def val(v):
    order.append(v)
    return v


d = {}
d[val("key")] = val("value")
print(order, d)
i = 0
lst = [0, 0, 0]
i, lst[i] = 1, 9
print(i, lst)
