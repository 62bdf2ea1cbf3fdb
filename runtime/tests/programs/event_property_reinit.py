# Event "descriptor mutated": a property's __init__ is called again mid-loop with a new getter.
class Box:
    def __init__(self, w):
        self.w = w

    def get_small(self):
        return self.w

    def get_big(self):
        return self.w * 1000

    size = property(get_small)


b = Box(3)
total = 0
for i in range(20000):
    total += b.size
    if i == 10000:
        Box.__dict__["size"].__init__(Box.get_big)
print(total, b.size)
