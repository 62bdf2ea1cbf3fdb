# Event: waiters block until set.
import threading

ready = threading.Event()
go = threading.Event()
order = []
lock = threading.Lock()


def waiter(i):
    ready.wait()
    with lock:
        order.append(i)


threads = [threading.Thread(target=waiter, args=(i,)) for i in range(5)]
for t in threads:
    t.start()
print(ready.is_set(), order)
ready.set()
for t in threads:
    t.join()
print(ready.is_set(), sorted(order))
print(go.wait(0.01))
ready.clear()
print(ready.is_set())
