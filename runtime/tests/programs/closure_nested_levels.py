# Variables captured through several nesting levels.
def level1(a):
    def level2(b):
        def level3(c):
            def level4(d):
                return a + b + c + d
            return level4
        return level3
    return level2


print(level1(1)(10)(100)(1000))


def shadow():
    x = "outer"

    def mid():
        x = "mid"

        def inner():
            return x

        return inner()

    return mid(), x


print(shadow())


def uses_global():
    def inner():
        return GLOBAL_VALUE
    return inner


GLOBAL_VALUE = "g1"
f = uses_global()
print(f())
GLOBAL_VALUE = "g2"
print(f())
