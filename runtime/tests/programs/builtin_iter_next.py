# iter() and next() including defaults and the two-argument form.
it = iter([10, 20])
print(next(it), next(it), next(it, "end"))
try:
    next(it)
except StopIteration:
    print("StopIteration")
state = {"n": 0}


def tick():
    state["n"] += 1
    return state["n"]


print(list(iter(tick, 4)))
d = iter({"a": 1, "b": 2})
print(next(d), next(d))
s = iter("xy")
print(list(s), list(s))
try:
    next([1, 2])
except TypeError as e:
    print("TypeError:", e)
