# Event "descriptor mutated": a staticmethod's __init__ is called again with another function.
class Ops:
    @staticmethod
    def op(x):
        return x + 1


total = 0
for i in range(20000):
    total += Ops.op(i)
    if i == 10000:
        Ops.__dict__["op"].__init__(lambda x: -x)
print(total, Ops.op(4), Ops().op(4))
