# for over range, list, tuple, str, dict, dict views, set and nested sequences.
for x in range(3):
    print("range", x)
for x in range(10, 0, -4):
    print("range step", x)
for x in [1.5, "s"]:
    print("list", x)
for x in ("t",):
    print("tuple", x)
for ch in "hé!":
    print("str", ch)
d = {"b": 1, "a": 2}
for k in d:
    print("dict", k)
for k, v in d.items():
    print("items", k, v)
for v in d.values():
    print("values", v)
for x in sorted({3, 1}):
    print("set", x)
for a, (b, c) in [(1, (2, 3)), (4, (5, 6))]:
    print("nested", a, b, c)
