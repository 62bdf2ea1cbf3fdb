# Padding and alignment methods.
for w in ["a", "abc", "abcdefgh"]:
    print("[" + w.ljust(6) + "]", "[" + w.rjust(6, "*") + "]", "[" + w.center(7, "-") + "]")
print("42".zfill(5), "-42".zfill(5), "+7".zfill(4), "abc".zfill(2))
print("a\tb\tc".expandtabs(4), "x".center(4), "x".center(5))
