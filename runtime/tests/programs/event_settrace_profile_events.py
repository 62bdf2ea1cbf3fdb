# Instrumentation: the exact call/line/return/exception events of loops, try/except and
# generators, and the profile events around builtin calls, compared with CPython.
import sys

log = []


def tracer(frame, event, arg):
    name = frame.f_code.co_name
    if name in ("loops", "fails", "gen", "caller"):
        rel = frame.f_lineno - frame.f_code.co_firstlineno
        if event == "exception":
            log.append((name, event, rel, arg[0].__name__))
        elif event == "return":
            log.append((name, event, rel, arg))
        else:
            log.append((name, event, rel))
    return tracer


def loops(n):
    total = 0
    for i in range(n):
        if i % 2:
            total += i
    k = 0
    while k < 2:
        k += 1
    return total + k


def fails():
    try:
        x = 1 // 0
    except ZeroDivisionError:
        x = -1
    return x


def gen():
    yield 1
    yield 2


def caller():
    return sum(gen()) + loops(3) + fails()


sys.settrace(tracer)
r = caller()
sys.settrace(None)
print(r)
for entry in log:
    print(entry)

calls = []


def profiler(frame, event, arg):
    if event.startswith("c_"):
        calls.append((event, arg.__name__))
    elif frame.f_code.co_name == "work":
        calls.append((event, frame.f_code.co_name))


def work(xs):
    return len(xs) + max(xs)


sys.setprofile(profiler)
work([3, 1, 2])
sys.setprofile(None)
print(calls)
