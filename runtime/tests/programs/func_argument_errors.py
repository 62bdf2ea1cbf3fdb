# TypeError messages for wrong argument counts.
def two(a, b):
    return a + b


def one_default(a, b=1):
    return a + b


for args in [(), (1,), (1, 2, 3)]:
    try:
        two(*args)
    except TypeError as exc:
        print("TypeError:", exc)
try:
    one_default(1, 2, 3)
except TypeError as exc:
    print("TypeError:", exc)
try:
    two(1, a=2)
except TypeError as exc:
    print("TypeError:", exc)
try:
    len()
except TypeError as exc:
    print("TypeError:", exc)
not_callable = 5
try:
    not_callable()
except TypeError as exc:
    print("TypeError:", exc)
