# __format__, __str__ and __repr__ hooks used by formatting.
class Money:
    def __init__(self, cents):
        self.cents = cents

    def __str__(self):
        return f"${self.cents // 100}.{self.cents % 100:02d}"

    def __repr__(self):
        return f"Money({self.cents})"

    def __format__(self, spec):
        if spec == "short":
            return f"{self.cents // 100}$"
        return format(str(self), spec)


m = Money(12345)
print(m, str(m), repr(m), [m])
print(f"{m} {m!r} {m:short} {m:>12}|")
print("{} {:short}".format(m, m))
print("%s %r" % (m, m))
