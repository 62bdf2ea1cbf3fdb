# sys.setrecursionlimit raises and lowers the reachable depth.
import sys


def depth(n):
    try:
        return depth(n + 1)
    except RecursionError:
        return n


sys.setrecursionlimit(200)
low = depth(0)
sys.setrecursionlimit(5000)
high = depth(0)
print(150 < low <= 200, 4900 < high <= 5000, sys.getrecursionlimit())


def sum_to(n):
    return 0 if n == 0 else n + sum_to(n - 1)


print(sum_to(4000))
sys.setrecursionlimit(1000)
try:
    sum_to(4000)
except RecursionError:
    print("limit restored")
