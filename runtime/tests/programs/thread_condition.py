# Condition variables: a bounded producer/consumer.
import threading

buffer = []
cond = threading.Condition()
consumed = []
CAPACITY = 3
TOTAL = 200


def producer():
    for i in range(TOTAL):
        with cond:
            while len(buffer) >= CAPACITY:
                cond.wait()
            buffer.append(i)
            cond.notify_all()


def consumer():
    while True:
        with cond:
            while not buffer:
                cond.wait()
            item = buffer.pop(0)
            cond.notify_all()
        if item is None:
            return
        consumed.append(item)


c = threading.Thread(target=consumer)
p = threading.Thread(target=producer)
c.start()
p.start()
p.join()
with cond:
    while len(buffer) >= CAPACITY:
        cond.wait()
    buffer.append(None)
    cond.notify_all()
c.join()
print(len(consumed), consumed == list(range(TOTAL)))
