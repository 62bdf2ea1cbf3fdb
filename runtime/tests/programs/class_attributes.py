# Class attributes vs instance attributes and shadowing.
class Counter:
    instances = 0
    shared = []
    kind = "counter"

    def __init__(self):
        Counter.instances += 1
        self.id = Counter.instances


a, b, c = Counter(), Counter(), Counter()
print(Counter.instances, a.instances, c.id)
a.kind = "special"
print(a.kind, b.kind, Counter.kind)
del a.kind
print(a.kind)
a.shared.append("from a")
print(b.shared, Counter.shared)
Counter.kind = "changed"
print(a.kind, b.kind)
print("kind" in Counter.__dict__, "kind" in a.__dict__)
