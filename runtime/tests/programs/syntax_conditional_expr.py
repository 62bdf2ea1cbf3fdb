# Conditional expressions, nested and inside other expressions.
for n in range(-2, 3):
    sign = "neg" if n < 0 else "zero" if n == 0 else "pos"
    print(n, sign)
values = [x if x % 2 else -x for x in range(6)]
print(values)
print((lambda v: "big" if v > 10 else "small")(11))
y = 1 + (10 if True else 20) * 2
print(y)
