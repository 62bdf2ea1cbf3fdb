# RLock can be re-acquired by its owner.
import threading

rlock = threading.RLock()
log = []


def recursive(n):
    with rlock:
        log.append(n)
        if n > 0:
            recursive(n - 1)


threads = [threading.Thread(target=recursive, args=(3,)) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(log), sorted(log))
with rlock:
    with rlock:
        print("nested ok")
