# Threads stepping one shared iterator (range, reversed range, list, tuple) at
# once: every item is handed out, nothing outside the container is made up.
# Free-threaded runtimes may hand two threads the same item, so only the set
# of items seen is checked, not how often each was seen.
import threading

N = 20000


def drain_by_for(it, out):
    for x in it:
        out.append(x)


def drain_by_next(it, out):
    while True:
        try:
            out.append(next(it))
        except StopIteration:
            return


def share(make, drain):
    expected = list(make())
    it = iter(make())
    seen = [[] for _ in range(4)]
    threads = [threading.Thread(target=drain, args=(it, seen[k])) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items = [x for part in seen for x in part]
    print(set(items) == set(expected), len(items) >= len(expected), next(it, "done"))


big = list(range(N))
for drain in (drain_by_for, drain_by_next):
    share(lambda: range(N), drain)
    share(lambda: reversed(range(-N, N, 3)), drain)
    share(lambda: range(2**40, 2**40 + N * 7, 7), drain)
    share(lambda: big, drain)
    share(lambda: tuple(big), drain)

# An exhausted list iterator stays exhausted when the list grows.
items = [1, 2]
it = iter(items)
print(list(it))
items.append(3)
print(next(it, "exhausted"), list(it))
# One that has not finished sees the appended item.
it = iter(items)
print(next(it))
items.append(4)
print(list(it))
