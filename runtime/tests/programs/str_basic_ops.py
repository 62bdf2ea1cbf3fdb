# Concatenation, repetition, indexing, slicing, length and membership.
s = "stillpoint"
print(s + "!", s * 2, "-" * 10, 3 * "ab", "x" * 0, "y" * -1)
print(s[0], s[-1], s[3], s[-3], len(s), len(""))
print(s[2:5], s[:5], s[5:], s[-5:], s[::2], s[::-1], s[1:8:3], s[100:], s[-100:3])
print("point" in s, "xyz" in s, s.__len__())
try:
    s[20]
except IndexError as exc:
    print("IndexError:", exc)
t = ""
for ch in "abc":
    t = ch + t
print(t)
