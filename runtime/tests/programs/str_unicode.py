# Non-ASCII text: length, indexing, iteration, ord/chr.
s = "héllo wörld ✓ 日本語"
print(len(s), s[1], s[-1], s[12], s.upper())
print([ord(c) for c in "aé✓日"], chr(233), chr(0x65e5), chr(128512))
print("".join(reversed("añb")), "✓" in s, s.find("日"))
print(sorted("zéa"), "é" > "z", max("abc✓"))
for ch in "ab✓":
    print(ch, ord(ch))
