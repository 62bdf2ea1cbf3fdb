# Event "debugger sets a local": a trace function writes a local of a running frame mid-loop.
import sys


def loop():
    total = 0
    step = 1
    for i in range(2000):
        total += step
    return total


def tracer(frame, event, arg):
    if frame.f_code.co_name != "loop":
        return None
    if event == "line" and frame.f_locals.get("i") == 1000 and frame.f_locals.get("step") == 1:
        frame.f_locals["step"] = 5
    return tracer


print(loop())
sys.settrace(tracer)
result = loop()
sys.settrace(None)
print(result)
