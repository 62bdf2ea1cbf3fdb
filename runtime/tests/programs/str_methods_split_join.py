# split, rsplit, splitlines, partition and join.
print("a,b,,c".split(","), "a b  c\n d".split(), "  lead and trail  ".split())
print("a,b,c,d".split(",", 2), "a,b,c,d".rsplit(",", 1), "x".split(","), "".split(","), "".split())
print("line1\nline2\r\nline3\n".splitlines(), "keep\nends\n".splitlines(True))
print("key=value=more".partition("="), "key=value=more".rpartition("="), "novalue".partition("="))
print("-".join(["a", "b", "c"]), "".join("xyz"), ", ".join(str(i) for i in range(4)))
try:
    "-".join([1, 2])
except TypeError as exc:
    print("TypeError:", exc)
try:
    "a".split("")
except ValueError as exc:
    print("ValueError:", exc)
