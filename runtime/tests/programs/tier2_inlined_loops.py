# Functions with loops that tier 2 inlines into a hot loop's executor (on
# real frames): break, continue and else, a while loop returning from
# inside, a guard failing in the inlined loop when floats arrive, an error
# raised inside it and caught by the caller, and a loop inside a method
# that another loop's executor calls.


def total(xs):
    t = 0
    for x in xs:
        if x < 0:
            break
        if x == 0:
            continue
        t += x
    else:
        t += 1000
    return t


def find(xs, k):
    i = 0
    while i < len(xs):
        if xs[i] == k:
            return i
        i += 1
    return -1


def risky(xs):
    t = 0
    for x in xs:
        t += 10 // x
    return t


class Bag:
    def __init__(self, items):
        self.items = items

    def weight(self):
        w = 0
        for item in self.items:
            w += item * 2
        return w


def main():
    data = [[1, 2, 3], [4, 0, 5], [6, -1, 7], []]
    acc = 0
    for i in range(3000):
        xs = data[i % 4]
        acc += total(xs) + find(xs, 0)
        if i == 2500:
            # Floats reach the inlined loop's int operations.
            data[0] = [1.5, 2.5]
    print(acc)

    errors = 0
    for i in range(2000):
        try:
            acc += risky([1, 2, i % 50])
        except ZeroDivisionError as e:
            errors += 1
            last = str(e)
    print(acc, errors, last)

    bags = [Bag([1, 2]), Bag([3]), Bag(list(range(10)))]
    w = 0
    for i in range(3000):
        w += bags[i % 3].weight()
        if i == 2000:
            bags[1].items.append(100)
    print(w)


main()
