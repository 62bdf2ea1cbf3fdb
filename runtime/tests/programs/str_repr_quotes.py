# repr() of strings: quote selection and escapes.
samples = ["plain", "it's", 'say "hi"', "both ' and \"", "tab\there", "nl\n", "cr\r", "back\\slash",
           "\x00\x07\x1f\x7f", "é ü ñ", "\u20ac", "日本", "\U0001F600", "\u200b", "\xa0", "\x80", ""]
for s in samples:
    print(repr(s))
print(samples[:3])
print(str(samples[1]), ascii("é"), ascii("plain"))
