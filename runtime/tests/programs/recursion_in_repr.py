# RecursionError raised through a dunder method (__repr__ calling itself) is catchable.
class Loop:
    def __repr__(self):
        return "Loop(" + repr(self) + ")"


try:
    repr(Loop())
except RecursionError:
    print("RecursionError in __repr__")


class Chain:
    def __init__(self, nxt):
        self.nxt = nxt

    def __len__(self):
        return 1 + (len(self.nxt) if self.nxt is not None else 0)


c = None
for _ in range(500):
    c = Chain(c)
print(len(c))
