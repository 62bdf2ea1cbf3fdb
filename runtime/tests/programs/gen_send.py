# send() delivers values into a running generator.
def accumulator():
    total = 0
    while True:
        received = yield total
        if received is None:
            break
        total += received
    yield "closed with " + str(total)


acc = accumulator()
print(next(acc))
for v in [5, 10, -3]:
    print(acc.send(v))
print(acc.send(None))
try:
    acc.send(1)
except StopIteration:
    print("exhausted")
fresh = accumulator()
try:
    fresh.send(5)
except TypeError as e:
    print("TypeError:", e)


def echo():
    log = []
    while True:
        value = yield len(log)
        log.append(value)
        if value == "stop":
            return log


e = echo()
next(e)
e.send("a")
e.send("b")
try:
    e.send("stop")
except StopIteration as s:
    print("returned", s.value)
