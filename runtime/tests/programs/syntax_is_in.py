# Identity and membership tests.
a = [1, 2]
b = a
c = [1, 2]
print(a is b, a is c, a == c, a is not c)
print(None is None, 1 in a, 3 in a, 3 not in a)
print("ell" in "hello", "z" not in "hello", "" in "abc")
print(2 in (1, 2, 3), "k" in {"k": 1}, 1 in {"k": 1})
print(3 in range(5), 5 in range(5), 4 in range(0, 10, 2), 3 in range(0, 10, 2))
print(1.0 in [1], True in [1])
