# __len__, __getitem__, __setitem__, __delitem__, __contains__, __iter__.
class Ring:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i % len(self.items)]

    def __setitem__(self, i, v):
        self.items[i % len(self.items)] = v

    def __delitem__(self, i):
        del self.items[i % len(self.items)]

    def __contains__(self, v):
        return v in self.items

    def __iter__(self):
        return iter(self.items)


r = Ring("abcd")
print(len(r), r[0], r[5], r[-1], "c" in r, "z" in r)
r[6] = "C"
del r[4]
print(list(r), [x for x in r], sorted(r))


class Seq:
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError(i)
        return i * i


print(list(Seq()), 9 in Seq(), 5 in Seq())
for v in Seq():
    print("seq", v)
