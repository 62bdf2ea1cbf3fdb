# A thread spinning on a global flag sees another thread's write in bounded time.
import threading

stop = False
iterations = 0


def spinner():
    global iterations
    n = 0
    while not stop:
        n += 1
    iterations = n


t = threading.Thread(target=spinner)
t.start()
total = 0
for i in range(200000):
    total += i
stop = True
t.join()
print(total, iterations >= 0)
