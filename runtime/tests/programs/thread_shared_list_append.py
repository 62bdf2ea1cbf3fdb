# Concurrent appends to one list and writes to one dict lose nothing.
import threading

shared = []
table = {}


def worker(tid):
    for i in range(5000):
        shared.append((tid, i))
        table[(tid, i)] = i


threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(shared), len(table), len(set(shared)))
per_thread = [sorted(i for tid, i in shared if tid == t) == list(range(5000)) for t in range(4)]
print(per_thread)
