# Tier 1: global and builtin loads specialize in hot loops, then the global
# is rebound, deleted (exposing the builtin), the builtin is rebound, and
# another thread rebinds a global that a loop is spinning on.
import builtins
import threading

scale = 2


def scaled(n):
    total = 0
    for i in range(n):
        total += i * scale + len("ab")
    return total


print(scaled(3000))
scale = 3
print(scaled(3000))
len = lambda s: 100
print(scaled(3000))
del len
print(scaled(3000))
old_len = builtins.len
builtins.len = lambda s: -1
print(scaled(3000))
builtins.len = old_len
print(scaled(3000))

running = True
steps = 0
started = threading.Event()


def spin():
    global steps
    n = 0
    while running:
        n += 1
        if n == 1:
            started.set()
    steps = n


worker = threading.Thread(target=spin)
worker.start()
# The spinner is in its loop before the global it spins on is rebound.
started.wait()
total = 0
for i in range(200000):
    total += i
running = False
worker.join()
print(total, steps > 0)
