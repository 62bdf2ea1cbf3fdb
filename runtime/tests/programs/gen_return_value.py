# return inside a generator sets StopIteration.value.
def limited(n):
    for i in range(n):
        yield i
    return "finished"


g = limited(2)
print(next(g), next(g))
try:
    next(g)
except StopIteration as e:
    print("value:", e.value)


def early():
    yield 1
    return
    yield 2


print(list(early()))


def gen_with_raise():
    yield 1
    raise ValueError("inside generator")


try:
    for v in gen_with_raise():
        print("got", v)
except ValueError as e:
    print("ValueError:", e)
