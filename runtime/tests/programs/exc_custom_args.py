# Exception args, str and repr for various argument counts.
for e in [Exception(), Exception("one"), Exception("a", 2), ValueError(42), KeyError("k"), KeyError("a", "b")]:
    print(repr(e), "|", str(e), "|", e.args)


class WithStr(Exception):
    def __str__(self):
        return "custom str"


print(str(WithStr("ignored")), repr(WithStr("x")))
try:
    raise ValueError
except ValueError as e:
    print(repr(e), e.args)
