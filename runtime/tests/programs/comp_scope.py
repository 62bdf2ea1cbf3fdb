# Comprehension variables do not leak; they can read enclosing scopes.
x = "outer"
squares = [x * x for x in range(4)]
print(x, squares)
base = 10
print([base + i for i in range(3)])


def f(n):
    return [n * i for i in range(3)]


print(f(5))


class C:
    items = [1, 2, 3]
    doubled = [i * 2 for i in items]


print(C.doubled)
funcs = [lambda: i for i in range(3)]
print([g() for g in funcs])
