# Event "class attribute set" from another thread while the main thread runs a hot loop.
import threading


class Shared:
    stop = False
    value = 1


started = threading.Event()


def writer():
    started.wait()
    Shared.value = 2
    Shared.stop = True


t = threading.Thread(target=writer)
t.start()
seen = set()
n = 0
started.set()
while not Shared.stop:
    seen.add(Shared.value)
    n += 1
t.join()
seen.add(Shared.value)
print(sorted(seen)[-1], Shared.stop)
