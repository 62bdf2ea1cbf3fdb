# __bool__ and __len__ decide truthiness.
class Empty:
    def __len__(self):
        return 0


class Flag:
    def __init__(self, on):
        self.on = on

    def __bool__(self):
        return self.on


class Plain:
    pass


print(bool(Empty()), bool(Flag(True)), bool(Flag(False)), bool(Plain()))
print("yes" if Flag(True) else "no", not Empty(), Flag(False) or "fallback")
n = 0
while Flag(n < 3):
    n += 1
print(n)
