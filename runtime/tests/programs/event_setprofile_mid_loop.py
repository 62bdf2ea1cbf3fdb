# Event "instrumentation": sys.setprofile is enabled mid-loop; call/return events are counted.
import sys

calls = []


def profiler(frame, event, arg):
    if event in ("call", "return") and frame.f_code.co_name == "work":
        calls.append(event)


def work(i):
    return i % 7


total = 0
for i in range(4000):
    total += work(i)
    if i == 2000:
        sys.setprofile(profiler)
    if i == 2004:
        sys.setprofile(None)
print(total, calls, sys.getprofile())
