# A list subclass whose append is overridden to take a lock, shared by two
# threads; the builtin methods it inherits and the operators keep working.
import threading


class SafeLog(list):
    def __init__(self, name):
        super().__init__()
        self.name = name
        self.lock = threading.Lock()
        self.appends = 0

    def append(self, item):
        with self.lock:
            self.appends += 1
            super().append(item)

    def __repr__(self):
        return f"SafeLog({self.name}, {len(self)} items)"


log = SafeLog("events")


def worker(tag):
    for n in range(500):
        log.append((tag, n))


threads = [threading.Thread(target=worker, args=(t,)) for t in "ab"]
for t in threads:
    t.start()
for t in threads:
    t.join()

print(log, log.appends, len(log), isinstance(log, list), type(log).__name__)
per_tag = {tag: [n for t, n in log if t == tag] for tag in "ab"}
print({tag: (len(ns), ns == sorted(ns), sum(ns)) for tag, ns in per_tag.items()})
log.sort()
print(log[0], log[-1], log[499:501], type(log[:2]).__name__)
print(("a", 7) in log, ("c", 0) in log, log.index(("b", 0)), log.count(("a", 3)))
del log[10:]
log += [("z", 0)]
log.extend([("z", 1)])
print(log[-3:], len(log), log.appends, log.name)
print(list(reversed(log))[:2], bool(log), bool(SafeLog("empty")), repr(SafeLog("x")))
print(log == list(log), log + [] == list(log), log.pop(), log.pop(0), len(log))
try:
    hash(log)
except TypeError as e:
    print("TypeError:", e)
print(sorted(vars(SafeLog("v")).keys() - {"lock"}))
