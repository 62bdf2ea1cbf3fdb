# strip, find, index, count, replace, startswith, endswith.
s = "  --banana bandana--  "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()), repr(s.strip(" -")))
t = "banana bandana"
print(t.find("an"), t.find("an", 4), t.rfind("an"), t.find("xyz"), t.index("band"))
print(t.count("an"), t.count("a"), t.count(""), t.count("na", 5))
print(t.replace("an", "AN"), t.replace("an", "", 2), t.replace("", "|"))
print(t.startswith("ban"), t.startswith(("x", "ba")), t.endswith("ana"), t.endswith("ban", 0, 3))
try:
    t.index("q")
except ValueError as exc:
    print("ValueError:", exc)
print("abc".removeprefix("ab"), "abc".removesuffix("bc"), "abc".removeprefix("z"))
