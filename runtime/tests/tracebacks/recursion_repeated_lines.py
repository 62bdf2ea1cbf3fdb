# Unbounded recursion: the traceback prints the first three of the
# identical entries and then how many more there were, as CPython does.
def countdown(n):
    return countdown(n - 1) + 1


def start():
    return countdown(10)


start()
