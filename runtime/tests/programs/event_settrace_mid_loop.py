# Event "instrumentation": sys.settrace is turned on in the middle of a hot loop and off again.
import sys

events = {}


def tracer(frame, event, arg):
    if frame.f_code.co_name == "body":
        events[event] = events.get(event, 0) + 1
    return tracer


def body(i):
    return i * 2


total = 0
for i in range(3000):
    total += body(i)
    if i == 1000:
        sys.settrace(tracer)
    if i == 1009:
        sys.settrace(None)
print(total, sorted(events.items()), sys.gettrace())
