# Hash and comparison of ints and floats of equal value.
print(hash(1) == hash(1.0), hash(-1), hash(-2), hash(0))
print(hash(2 ** 61 - 1), hash(2 ** 61), hash(2 ** 64), hash(-(2 ** 64)))
print(hash(10 ** 30) == hash(float(10 ** 30)), hash(0.5), hash(1.5))
print(2 ** 53 == float(2 ** 53), 2 ** 53 + 1 == float(2 ** 53 + 1), 2 ** 53 + 1 > float(2 ** 53))
print(10 ** 400 > 1e308, -10 ** 400 < -1e308, 10 ** 400 < float("inf"))
d = {1: "int"}
d[1.0] = "float"
d[True] = "bool"
print(d)
