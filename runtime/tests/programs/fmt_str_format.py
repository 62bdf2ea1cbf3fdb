# str.format with positional, keyword, indexed and attribute fields.
print("{} + {} = {}".format(1, 2, 3))
print("{1} {0} {1}".format("a", "b"))
print("{name} is {age}".format(name="Bob", age=7))
print("{0[0]} {0[1]} {1[k]}".format(["x", "y"], {"k": "v"}))


class P:
    x = 10
    y = 20


print("({0.x}, {0.y})".format(P()))
print("{:>6}|{:<6}|{:^6}|{:.3f}|{:,}".format("r", "l", "c", 2.0 / 3, 10 ** 7))
print("{!r} {!s}".format("s", "s"))
print("{{}} {}".format("braces"))
print(format(3.5, ".1f"), format(42, "b"), format("x", ">3"))
