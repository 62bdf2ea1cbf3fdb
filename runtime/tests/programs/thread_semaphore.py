# Semaphore bounds concurrency.
import threading
import time

sem = threading.Semaphore(2)
lock = threading.Lock()
active = 0
max_active = 0


def task():
    global active, max_active
    with sem:
        with lock:
            active += 1
            max_active = max(max_active, active)
        time.sleep(0.01)
        with lock:
            active -= 1


threads = [threading.Thread(target=task) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(max_active <= 2, active)
b = threading.BoundedSemaphore(1)
b.acquire()
b.release()
try:
    b.release()
except ValueError as e:
    print("ValueError:", e)
