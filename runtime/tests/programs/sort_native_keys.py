# Sorting keys that compare natively (numbers of mixed kinds, strs) gives
# CPython's order, stable, reversed stably too; mixed keys and tuples go the
# general way (TypeError for unorderable ones).
import random
random.seed(3)
xs = [random.randint(-50, 50) for _ in range(300)] + [0.0, -0.0, 1.5, -2.5, True, False]
print(sorted(xs)[:12], sorted(xs, reverse=True)[:12])
ws = ["pear", "apple", "fig", "Apple", "äpfel", "zebra", "", "fig"]
print(sorted(ws), sorted(ws, reverse=True), sorted(ws, key=len), sorted(ws, key=len, reverse=True))
ps = [(random.randint(0, 5), random.random()) for _ in range(50)]
print(sorted(ps)[:5], max(ps), min(ps))
print(sorted([3, 1.0, 2, 1, 2.0, True]), sorted([3, 1.0, 2, 1, 2.0, True], reverse=True))
print(sorted([10**20, 5, 2.5e20, -10**30]))
print(sorted([float("nan"), 1, 0]) [1:] if False else len(sorted([float("nan"), 1, 0])))
pairs = [(1, "b"), (1, "a"), (0, "z")]
print(sorted(pairs, key=lambda p: p[0]), sorted(pairs, key=lambda p: p[0], reverse=True))
try:
    sorted([1, "a"])
except TypeError as e:
    print(e)
print((1, 2) < (1, 3), (1, 2, 0) > (1, 2), [1, 2] < [1, 2, 0], 1 < 2.5, 3 > True, -0.0 == 0)
