# One thread iterates a dict's views while another keeps inserting,
# replacing and deleting keys: every pair an iteration sees is one the
# dict held (value == key * 10), and nothing crashes or hangs.
import threading

d = {k: k * 10 for k in range(200)}
stop = False
bad = []


def writer():
    n = 0
    while not stop:
        k = 200 + n % 300
        d[k] = k * 10
        if n % 3 == 0:
            d.pop(200 + (n * 7) % 300, None)
        d[n % 200] = (n % 200) * 10
        n += 1


def reader():
    for _ in range(300):
        for k, v in d.items():
            if v != k * 10:
                bad.append((k, v))
        for v in d.values():
            if v % 10:
                bad.append(v)


t = threading.Thread(target=writer)
t.start()
try:
    reader()
except RuntimeError:
    # CPython may report the size change; both outcomes are fine here.
    pass
stop = True
t.join()
print("bad pairs:", bad[:5])
print("base keys intact:", all(d[k] == k * 10 for k in range(200)))
