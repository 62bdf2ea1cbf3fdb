# slice objects and their use in subscripts and __getitem__.
s = slice(1, 8, 2)
print(s, s.start, s.stop, s.step, slice(5), slice(None, None, -1))
data = list(range(10))
print(data[s], "abcdefghij"[s], tuple(data)[slice(3)], data[slice(None, None, -3)])
print(s.indices(5), slice(-3, None).indices(10))


class Show:
    def __getitem__(self, key):
        return key


sh = Show()
print(sh[1:2], sh[::3], sh[1:2, 3], sh[...], sh["k"])
