# hash() consistency and id() identity (values never printed).
a = [1, 2]
b = a
c = [1, 2]
print(id(a) == id(b), id(a) == id(c), id(None) == id(None))
print(hash("abc") == hash("ab" + "c"), hash(5) == 5, hash(5.0) == 5, hash((1, "a")) == hash((1, "a")))
print(hash(-1) == -2, isinstance(hash("x"), int), hash(True) == 1)
x = object()
print(hash(x) == hash(x), x == x, object() == object())
