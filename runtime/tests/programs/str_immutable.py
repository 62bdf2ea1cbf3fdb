# Strings are immutable; methods return new strings.
s = "abc"
try:
    s[0] = "z"
except TypeError as exc:
    print("TypeError:", exc)
t = s
s += "d"
print(s, t, s is t)
u = s.upper()
print(s, u)
try:
    "abc" + 1
except TypeError as exc:
    print("TypeError:", exc)
try:
    del s[0]
except TypeError as exc:
    print("TypeError:", exc)
