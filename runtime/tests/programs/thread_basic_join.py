# Threads run a target with args; join waits; results collected after join.
import threading

results = [None] * 4


def work(index, n):
    total = 0
    for i in range(n):
        total += i * index
    results[index] = total


threads = [threading.Thread(target=work, args=(i, 10000)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(results)
print(all(not t.is_alive() for t in threads))
