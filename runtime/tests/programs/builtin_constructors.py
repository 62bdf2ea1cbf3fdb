# int/float/str/bool/list/tuple/dict/set constructors with various inputs.
print(int(), float(), str(), bool(), list(), tuple(), dict(), set(), frozenset())
print(int("  12 "), int(12.9), int("-0b101", 0), float(" 2.5 "), float(7), str(1.5), str([1]), bool("0"))
print(list({"a": 1}), tuple("ab"), dict([(1, 2)]), set([1, 1]), list(range(3)), tuple(x for x in range(2)))
print(str(1 == 1), bool([]), bool(0.0), bool("False"))
print(int("1" * 30), float("1" * 30), int(float("1e3")))
