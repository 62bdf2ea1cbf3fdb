# Keyword arguments, keyword-only parameters and their errors.
def area(width, height, *, unit="m"):
    return f"{width * height}{unit}2"


print(area(2, 3), area(width=2, height=5), area(2, height=4, unit="cm"))
try:
    area(1, 2, "km")
except TypeError as exc:
    print("TypeError:", exc)
try:
    area(1, width=2)
except TypeError as exc:
    print("TypeError:", exc)
try:
    area(1, 2, colour="red")
except TypeError as exc:
    print("TypeError:", exc)


def kw_only_required(*, a, b=2):
    return a + b


print(kw_only_required(a=1), kw_only_required(b=10, a=1))
try:
    kw_only_required()
except TypeError as exc:
    print("TypeError:", exc)
