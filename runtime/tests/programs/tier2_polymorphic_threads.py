# A polymorphic method site whose executor one thread built, entered by a
# thread whose own copy of the instruction has another form there (a
# staticmethod of one class): tier 2 must read that thread's cache as its
# own form lays it out, or leave.
import threading


class A:
    def f(self, x):
        return x + 1


class B:
    def f(self, x):
        return x + 2


class S:
    @staticmethod
    def f(x):
        return x + 100


def run(items, n):
    t = 0
    for i in range(n):
        t += items[i % len(items)].f(i)
    return t


def in_another_thread(items, n):
    out = []
    worker = threading.Thread(target=lambda: out.append(run(items, n)))
    worker.start()
    worker.join()
    return out


print("two classes", run([A(), B()], 5000))
print("a staticmethod in another thread", in_another_thread([S()], 5000))
