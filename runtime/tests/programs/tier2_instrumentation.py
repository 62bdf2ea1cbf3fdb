# Tier 2, event "instrumentation" (sys.settrace / sys.setprofile; always
# invalidates): switched on inside a hot loop, every event of the traced
# code is reported from the next call on, traced code never runs without
# its events, and switched off again the loop goes on correctly. Another
# thread keeps running (and stops) while this one traces.
import sys

from _tier2_spin import Spinner

counts = {}


def tracer(frame, event, arg):
    name = frame.f_code.co_name
    if name in ("body", "loop"):
        key = name + ":" + event
        counts[key] = counts.get(key, 0) + 1
    return tracer


def profiler(frame, event, arg):
    key = "profile:" + event
    counts[key] = counts.get(key, 0) + 1


def body(i):
    return i * 2


# (a) Tracing on for 10 iterations of a hot loop, then off.
def traced_window(n, on_at, off_at):
    total = 0
    for i in range(n):
        total += body(i)
        if i == on_at:
            sys.settrace(tracer)
        if i == off_at:
            sys.settrace(None)
    return total


print("a trace", traced_window(5000, 3000, 3010), sorted(counts.items()))
counts.clear()


# The same with the profiler, which also sees builtin calls.
def profiled_window(n, on_at, off_at):
    total = 0
    for i in range(n):
        total += abs(body(-i))
        if i == on_at:
            sys.setprofile(profiler)
        if i == off_at:
            sys.setprofile(None)
    return total


print("a profile", profiled_window(5000, 2000, 2005), sorted(counts.items()))
counts.clear()


# A hot loop that is traced from its start: every line of every iteration
# is reported, before and after the same loop ran hot untraced.
def loop(n):
    total = 0
    for i in range(n):
        total += i
    return total


print("a untraced", loop(5000))
sys.settrace(tracer)
result = loop(3000)
sys.settrace(None)
print("a traced", result, sorted(counts.items()))
counts.clear()
print("a untraced again", loop(5000), counts)


# (b) Another thread spins while this one switches tracing on; the trace
# function itself tells it to stop.
state = {"on": True}


def spin_on_state(s):
    n = 0
    while state["on"]:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


def stopping_tracer(frame, event, arg):
    if frame.f_code.co_name == "body" and event == "call":
        state["on"] = False
    return None


spinner = Spinner(spin_on_state)
spinner.wait_hot()
sys.settrace(stopping_tracer)
body(1)
sys.settrace(None)
print("b", spinner.join())


# (c) Tracing switched on and off again 30 times inside one hot loop: every
# traced window reports all its events.
def many_windows(n):
    total = 0
    for i in range(n):
        total += body(i)
        if i % 200 == 100:
            sys.settrace(tracer)
        if i % 200 == 103:
            sys.settrace(None)
    return total


print("c", many_windows(6000), sorted(counts.items()))
