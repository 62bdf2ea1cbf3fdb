# Case conversion methods.
s = "hello World of PYTHON 3x"
print(s.upper())
print(s.lower())
print(s.title())
print(s.capitalize())
print(s.swapcase())
print("ÉCOLE straße".lower(), "straße".upper())
print("o'neil mcdonald".title())
print("".upper(), "123".lower())
print(s.casefold() == s.lower())
