# TypeError messages of common operations.
three = 3
nothing = None
ops = [
    lambda: 1 + "a", lambda: "a" + 1, lambda: [1] + (2,), lambda: None + 1, lambda: -"s",
    lambda: len(5), lambda: three[0], lambda: nothing[0], lambda: {}[[]], lambda: "a" < 1,
    lambda: int(None), lambda: ("t",) * 2.0, lambda: iter(5), lambda: hash([]), lambda: sum(["a"]),
    lambda: "x".join([1]), lambda: abs("s"), lambda: object() < object(),
]
for op in ops:
    try:
        op()
    except TypeError as e:
        print("TypeError:", e)
