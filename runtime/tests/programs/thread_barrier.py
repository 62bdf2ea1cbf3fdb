# Barrier: all parties meet before any continues, for several rounds.
import threading

PARTIES = 4
barrier = threading.Barrier(PARTIES)
lock = threading.Lock()
phases = []


def worker(i):
    for phase in range(3):
        with lock:
            phases.append((phase, i))
        barrier.wait()


threads = [threading.Thread(target=worker, args=(i,)) for i in range(PARTIES)]
for t in threads:
    t.start()
for t in threads:
    t.join()
phase_order = [p for p, _ in phases]
print(phase_order == sorted(phase_order), len(phases), barrier.parties)
