# Allocation-heavy loop creating reference cycles that become garbage; live data must survive.
class Node:
    def __init__(self, value):
        self.value = value
        self.peer = None


keep = []
checksum = 0
for i in range(20000):
    a = Node(i)
    b = Node(-i)
    a.peer = b
    b.peer = a
    if i % 1000 == 0:
        keep.append(a)
    checksum += a.peer.value + b.peer.value
print(checksum, len(keep), [n.peer.peer.value for n in keep][:5], sum(n.peer.value for n in keep))
