# Several threads allocate heavily at once; each keeps a private result that must stay intact.
import threading

results = {}


def worker(tid):
    items = []
    for i in range(20000):
        items.append((tid, i, str(i)))
        if len(items) > 100:
            items = items[50:]
    results[tid] = (len(items), items[-1], sum(t[1] for t in items))


threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()))
