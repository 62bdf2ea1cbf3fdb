# Unbounded recursion raises RecursionError, which can be caught; the program continues.
def down(n):
    return down(n + 1)


try:
    down(0)
except RecursionError as e:
    print("RecursionError:", e)


def depth(n):
    try:
        return depth(n + 1)
    except RecursionError:
        return n


d = depth(0)
print(900 < d <= 1000)
print("still running", sum(range(10)))
