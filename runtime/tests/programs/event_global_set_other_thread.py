# Event "global set" from another thread: the main thread spins until it sees the new value.
import threading

phase = 0
lock = threading.Lock()


def setter():
    global phase
    with lock:
        phase = 1


spins = 0
t = threading.Thread(target=setter)
t.start()
while phase == 0:
    spins += 1
t.join()
print("saw phase", phase, spins >= 0)
