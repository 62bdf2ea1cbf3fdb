# Lambda expressions: defaults, closures, immediate calls, sorting keys.
square = lambda v: v * v
print(square(7))
add = lambda a, b=10: a + b
print(add(1), add(1, 2))
print((lambda: "no args")())
adders = [lambda v, k=k: v + k for k in range(3)]
print([f(10) for f in adders])
pairs = [(3, "c"), (1, "a"), (2, "b")]
print(sorted(pairs, key=lambda p: p[1]))
compose = lambda f, g: lambda v: f(g(v))
print(compose(square, add)(2))
print(square.__name__)
