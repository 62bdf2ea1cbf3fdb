# User-defined iterators with __iter__/__next__ and iter() on them.
class CountUp:
    def __init__(self, stop):
        self.stop = stop
        self.cur = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.cur >= self.stop:
            raise StopIteration
        self.cur += 1
        return self.cur


c = CountUp(3)
print(list(c), list(c))


class Reusable:
    def __init__(self, data):
        self.data = data

    def __iter__(self):
        for d in self.data:
            yield d.upper()


r = Reusable(["a", "b"])
print(list(r), list(r), [x + x for x in r])
it = iter([1, 2])
print(next(it), next(it), next(it, "default"))
print(iter(it) is it)
