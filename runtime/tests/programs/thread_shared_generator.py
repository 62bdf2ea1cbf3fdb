# Threads resuming one shared generator: each value goes to exactly one
# thread; a thread that finds it running gets "generator already executing"
# and tries again; after it is exhausted every thread sees it finished.
import threading

N = 3000


def numbers(n):
    for i in range(n):
        yield i
    yield from range(n, n + 10)


def take(gen, got, busy):
    while True:
        try:
            got.append(next(gen))
        except StopIteration:
            return
        except ValueError as e:
            busy.append(str(e))


gen = numbers(N)
got = [[] for _ in range(4)]
busy = [[] for _ in range(4)]
threads = [threading.Thread(target=take, args=(gen, got[k], busy[k])) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
values = sorted(v for part in got for v in part)
print(values == list(range(N + 10)))
print(all(m == "generator already executing" for part in busy for m in part))
print(next(gen, "finished"))
# Each thread saw its values in increasing order.
print(all(part == sorted(part) for part in got))

# A generator that resumes itself is running.
def selfish():
    yield next(me)


me = selfish()
try:
    next(me)
except ValueError as e:
    print("ValueError:", e)
