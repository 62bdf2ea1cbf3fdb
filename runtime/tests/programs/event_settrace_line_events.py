# Instrumentation turned on mid-loop inside a function also traces the frames it calls next.
import sys

lines = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "inner":
        if event == "line":
            lines.append(frame.f_lineno - inner.__code__.co_firstlineno)
        return tracer
    return None


def inner(x):
    y = x + 1
    z = y * 2
    return z


def outer():
    acc = 0
    for i in range(5000):
        acc += inner(i)
        if i == 2500:
            sys.settrace(tracer)
        if i == 2502:
            sys.settrace(None)
    return acc


print(outer(), lines)
