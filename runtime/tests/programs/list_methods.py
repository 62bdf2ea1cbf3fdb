# list methods.
a = [3, 1, 4]
a.append(1)
a.extend([5, 9])
a.extend(range(2))
a.insert(0, 2)
a.insert(-1, 6)
a.insert(100, 7)
print(a)
print(a.pop(), a.pop(0), a.pop(-2), a)
a.remove(1)
print(a, a.index(4), a.index(1), a.count(1), a.count(42))
a.reverse()
print(a)
a.sort()
print(a)
c = a.copy()
c.clear()
print(a, c)
try:
    a.remove(100)
except ValueError as exc:
    print("ValueError:", exc)
try:
    [].pop()
except IndexError as exc:
    print("IndexError:", exc)
try:
    a.index(100)
except ValueError as exc:
    print("ValueError:", exc)
