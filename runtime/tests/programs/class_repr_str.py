# __repr__ and __str__ and how containers use them.
class Both:
    def __repr__(self):
        return "Both()"

    def __str__(self):
        return "both-str"


class OnlyRepr:
    def __repr__(self):
        return "OnlyRepr!"


b, r = Both(), OnlyRepr()
print(b, r, repr(b), str(r), [b, r], (b,), {"k": b})
print(f"{b} {b!r} {r}")
print("%s %r" % (b, b))


class BadRepr:
    def __repr__(self):
        return 42


try:
    repr(BadRepr())
except TypeError as exc:
    print("TypeError:", exc)
