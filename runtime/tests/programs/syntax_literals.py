# Numeric and string literal forms.
print(0x1F, 0o17, 0b101, 1_000_000, 0xdead_beef)
print(1.5e3, 2E-2, .5, 5., 1_0.2_5)
print('single', "double", '''triple
lines''', """x""")
print("tab\tand\nnewline", 'quote\'s', "back\\slash", "\x41\u00e9\N{GREEK SMALL LETTER ALPHA}")
print("con" "cat" 'enated')
print(r"raw\n", len(r"\n"))
print(True, False, None, ...)
print(type(1), type(1.0), type("s"), type(None), type(True))
