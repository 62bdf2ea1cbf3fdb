# Subclassing list.
class Stack(list):
    def push(self, v):
        self.append(v)
        return self

    def peek(self):
        return self[-1]

    def __repr__(self):
        return "Stack" + super().__repr__()


s = Stack([1, 2])
s.push(3).push(4)
print(s, len(s), s.peek(), s.pop(), s, isinstance(s, list), sum(s), s[1:])
print(type(s[1:]).__name__, type(s + [9]).__name__, sorted(s, reverse=True))


class Sorted(list):
    def append(self, v):
        super().append(v)
        self.sort()


t = Sorted()
for v in [5, 1, 3]:
    t.append(v)
print(t, list(t), t == [1, 3, 5])
