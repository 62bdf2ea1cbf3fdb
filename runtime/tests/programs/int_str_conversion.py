# int <-> str conversion, with bases and big values.
print(int("42"), int("-17"), int("  8  "), int("+5"), int("1_000"))
print(int("ff", 16), int("0xff", 16), int("777", 8), int("1010", 2), int("z", 36), int("0x1f", 0))
big = int("9" * 50)
print(big, big + 1, str(big + 1)[:5], len(str(big * big)))
print(str(-10 ** 30), repr(10 ** 20))
for bad in ["", "abc", "1.5", "0x12"]:
    try:
        int(bad)
    except ValueError as exc:
        print("ValueError:", exc)
print(int(3.99), int(-3.99), int(True), int(1e20))
