# __eq__ and __hash__ for use in sets and dicts.
class Key:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __eq__(self, other):
        return isinstance(other, Key) and (self.a, self.b) == (other.a, other.b)

    def __hash__(self):
        return hash((self.a, self.b))


s = {Key(1, 2), Key(1, 2), Key(2, 1)}
print(len(s), Key(1, 2) in s, Key(3, 3) in s)
d = {Key(0, 0): "zero"}
print(d[Key(0, 0)], Key(1, 1) == Key(1, 1), Key(1, 1) != Key(1, 2), Key(1, 1) == 5)


class NoHash:
    def __eq__(self, other):
        return True


try:
    hash(NoHash())
except TypeError as exc:
    print("TypeError:", exc)
print(NoHash() == 3, NoHash() != 3)
