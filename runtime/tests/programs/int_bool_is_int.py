# bool is a subclass of int.
print(True + True, True * 10, False - 1, True / 2, -True)
print(isinstance(True, int), issubclass(bool, int), type(True + 1))
print(sum([True, False, True, True]))
print([10, 20][True], {1: "one"}[True])
print(True == 1, False == 0, hash(True) == hash(1))
print(str(True), repr(False), int(True), bool(2), bool(0), bool(-1))
