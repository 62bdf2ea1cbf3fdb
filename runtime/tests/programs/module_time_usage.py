# time functions used deterministically (only relations are printed).
import time

t0 = time.time()
p0 = time.perf_counter()
m0 = time.monotonic()
total = 0
for i in range(10000):
    total += i
time.sleep(0.01)
print(total, time.time() >= t0, time.perf_counter() - p0 >= 0.01, time.monotonic() >= m0)
print(type(time.time()).__name__, type(time.time_ns()).__name__, time.time() > 1.6e9)
