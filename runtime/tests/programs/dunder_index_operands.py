# Objects with __index__ stand for ints wherever CPython asks for an index:
# subscripts and slice bounds of lists, tuples, str and range, item
# assignment and deletion, sequence repetition, str and list method bounds,
# range() and the int formatting builtins; an __index__ that returns a
# non-int is a TypeError.
class Index:
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


class NotAnInt:
    def __index__(self):
        return "x"


class Repeats(Index):
    def __rmul__(self, other):
        return "rmul wins"


items = [0, 1, 2, 3, 4, 5]
print(items[Index(2)], items[Index(-1)], (7, 8, 9)[Index(1)], "abc"[Index(2)])
print(items[Index(1):Index(4)], items[Index(1):], items[::Index(2)], items[Index(4):Index(1):Index(-1)])
print((1, 2, 3, 4)[Index(1):Index(-1)], "abcdef"[Index(1):Index(5):Index(2)])
print(range(10)[Index(3)], range(10)[Index(2):Index(8):Index(3)])
print(range(Index(4)), list(range(Index(1), Index(7), Index(2))), hex(Index(255)), bin(Index(5)))
items[Index(0)] = 9
items[Index(1):Index(3)] = ["a"]
del items[Index(-1)]
del items[Index(0):Index(1)]
print(items)
print([0] * Index(3), Index(2) * [1], "ab" * Index(2), (1,) * Index(2), [5] * Repeats(3))
print("hello".find("l", Index(3)), [5, 6, 7, 8].index(7, Index(1)))
s = slice(Index(1), Index(3))
print([10, 20, 30, 40][s], s.indices(10))
for bad in (lambda: items[NotAnInt()], lambda: items[NotAnInt():], lambda: [1] * NotAnInt()):
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)
try:
    items[Index(10)]
except IndexError as e:
    print("IndexError:", e)
try:
    items[1.5:2]
except TypeError as e:
    print("TypeError:", e)
