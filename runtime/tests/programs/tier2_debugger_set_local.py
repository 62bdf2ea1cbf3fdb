# Tier 2, event "debugger sets a local" (global, always invalidates): a
# trace function attached to a frame that runs a hot loop writes one of its
# locals through f_locals; the loop goes on with the new value at once, and
# after the debugger leaves the loop runs hot again, as many times as it is
# done. (Another thread's frame is written through the embedding API: see
# runtime/tests/tier2.rs.)
import sys

writes = []


def attach(new_step):
    """Traces the caller's caller (the looping frame) from now on: a call
    event for probe() hands over its frame, whose f_back.f_back is it."""

    def on_call(frame, event, arg):
        if frame.f_code.co_name == "probe":
            frame.f_back.f_back.f_trace = make_writer(new_step)
        return None

    sys.settrace(on_call)
    probe()


def probe():
    pass


def make_writer(new_step):
    def writer(frame, event, arg):
        if event == "line" and frame.f_locals["step"] != new_step:
            frame.f_locals["step"] = new_step
            writes.append(new_step)
        return writer

    return writer


def detach():
    sys.settrace(None)


# (a) The local changes inside the hot loop that adds it.
def stepping(n, attach_at, detach_at):
    total = 0
    step = 1
    for i in range(n):
        total += step
        if i == attach_at:
            attach(10)
        if i == detach_at:
            detach()
    return total, step


print("a", stepping(6000, 3000, 3005), writes)
writes.clear()


# The same loop again, hot from the start, then attached to late.
print("a again", stepping(6000, 5990, 5995), writes)
writes.clear()


# (c) Attached to and written many times within one call: each write is
# seen, and between the writes the loop runs untraced.
def many_writes(n):
    total = 0
    step = 0
    for i in range(n):
        total += step
        if i % 500 == 250:
            attach(i)
        if i % 500 == 252:
            detach()
    return total, step


print("c", many_writes(6000), writes)
