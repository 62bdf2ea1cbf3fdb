# Tier 1: `for` loops over generators resume the generator's frame in the
# loop's own dispatch loop. They meet generators that return values, raise,
# are closed or thrown into from the loop body, iterate themselves, are
# shared by two loops or two threads, delegate with `yield from`, recurse,
# and loops that break out and leave them suspended.
import sys
import threading


def numbers(n):
    for i in range(n):
        yield i


def total(gen):
    t = 0
    for x in gen:
        t += x
    return t


print(total(numbers(1000)), total(numbers(0)), total(x * 2 for x in range(100)))


def returns_value(n):
    yield from range(n)
    return "ignored"


print(total(returns_value(50)))


# A site that meets generators and other iterators.
print([total(s) for s in [numbers(10), [1, 2], numbers(5), range(4), iter((7, 8)), numbers(3)] * 3])


# Exceptions raised inside the generator leave the loop with a traceback
# through both frames; the generator is finished afterwards.
def faulty(n):
    for i in range(n):
        if i == n - 1:
            raise KeyError(i)
        yield i


def sum_faulty(n):
    g = faulty(n)
    t = 0
    try:
        for x in g:
            t += x
    except KeyError as e:
        t = -t
        print("KeyError", e, "then", list(g))
    return t


print(sum_faulty(500))


def stop_inside():
    yield 1
    raise StopIteration
    yield 2


try:
    print(total(stop_inside()))
except (RuntimeError, StopIteration) as e:
    print(type(e).__name__)


# Closed in the middle of the loop: the loop ends at its next step, and the
# generator's finally block has run.
def guarded(n, log):
    try:
        for i in range(n):
            yield i
    finally:
        log.append("finally")


def close_midway(n):
    log = []
    g = guarded(n, log)
    seen = 0
    for x in g:
        seen += 1
        if x == n // 2:
            g.close()
            log.append("closed")
    return seen, log


print(close_midway(1000))


# Thrown into mid-loop: handled inside (the generator goes on), or not (the
# exception leaves the loop).
def resilient(n):
    i = 0
    while i < n:
        try:
            yield i
        except ValueError:
            yield -1000
        i += 1


def throw_midway(n):
    g = resilient(n)
    out = []
    for x in g:
        out.append(x)
        if x == 3:
            out.append(g.throw(ValueError))
    return out


print(throw_midway(6))


def throw_unhandled(n):
    g = numbers(n)
    t = 0
    try:
        for x in g:
            t += x
            if x == n // 2:
                g.throw(IndexError("stop"))
    except IndexError as e:
        return t, str(e), list(g)


print(throw_unhandled(400))


# A generator that loops over itself: "generator already executing".
def selfish():
    yield 1
    for x in me:
        yield x


me = selfish()
try:
    print(total(me))
except ValueError as e:
    print("ValueError:", e)


# Two loops over one generator, one inside the other.
def interleave(n):
    g = numbers(n)
    pairs = []
    for a in g:
        for b in g:
            pairs.append((a, b))
            break
    return pairs[:3], len(pairs)


print(interleave(1000))


# Break out and come back later: the generator stays suspended.
def resume_later(n):
    g = numbers(n)
    first = []
    for x in g:
        first.append(x)
        if x == 9:
            break
    return len(first), total(g)


print(resume_later(1000))


# Nested and recursive generators, yield from, generators made by a hot
# call site, sends.
def tree(depth):
    if depth == 0:
        yield 1
        return
    for x in tree(depth - 1):
        yield x
    yield from tree(depth - 1)


print(total(tree(10)))


def chain(*gens):
    for g in gens:
        for x in g:
            yield x


print(total(chain(numbers(10), chain(numbers(20), numbers(30)), (i for i in range(5)))))


def echo():
    got = None
    while True:
        got = yield got


def send_midway():
    g = echo()
    out = []
    next(g)
    for x in g:
        out.append(x)
        if len(out) == 5:
            out.append(g.send("sent"))
        if len(out) > 8:
            break
    return out


print(send_midway())


# A generator whose frame is deep in the recursion limit.
def deep(n):
    if n == 0:
        yield 0
    else:
        for x in deep(n - 1):
            yield x + 1


print(total(deep(200)))
limit = sys.getrecursionlimit()
try:
    total(deep(limit + 50))
except RecursionError:
    print("RecursionError")


# Traced: the trace function sees the generator's frame as it resumes and
# yields inside the loop.
events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "small":
        events.append((event, arg if event != "line" else frame.f_lineno))
    return tracer


def small():
    yield 1
    yield 2


sys.settrace(tracer)
print(total(small()))
sys.settrace(None)
print(events)

# Two threads share one generator: every value is produced once (none lost
# when the other thread resumes it right after a yield); a thread that finds
# it running gets ValueError and tries again.
shared = numbers(20000)
collected = [[], []]
start = threading.Barrier(2)


def consume(k):
    start.wait()
    while True:
        try:
            for x in shared:
                collected[k].append(x)
            return
        except ValueError:
            pass


threads = [threading.Thread(target=consume, args=(k,)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(collected[0] + collected[1]) == list(range(20000)))
