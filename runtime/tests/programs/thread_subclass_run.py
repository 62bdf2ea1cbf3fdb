# Subclassing Thread and overriding run; daemon flag; join with timeout.
import threading


class Squarer(threading.Thread):
    def __init__(self, values):
        super().__init__()
        self.values = values
        self.result = None

    def run(self):
        self.result = [v * v for v in self.values]


workers = [Squarer(range(i, i + 3)) for i in range(0, 9, 3)]
for w in workers:
    w.start()
for w in workers:
    w.join(timeout=30)
print([w.result for w in workers])
d = threading.Thread(target=lambda: None, daemon=True)
print(d.daemon)
d.start()
d.join()
