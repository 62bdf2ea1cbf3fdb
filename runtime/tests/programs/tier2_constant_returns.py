# Inlined functions that return a constant: None, a bool, an int, a str,
# from __init__ (the instance comes back), from an operator method that
# answers NotImplemented (the reflected method runs), and from an
# __init__ that returns something other than None (TypeError).


def nothing(x):
    x + 1
    return None


def flag(x):
    if x % 3 == 0:
        return True
    return False


def label(x):
    if x < 0:
        return "negative"
    return "other"


def seven():
    return 7


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents + other.cents)

    def __radd__(self, other):
        return Money(self.cents + other)


class Picky:
    def __init__(self, x):
        self.x = x
        if x == 1999:
            return 5


def run():
    nones = trues = sevens = 0
    labels = []
    total = Money(0)
    last = None
    for i in range(3000):
        if nothing(i) is None:
            nones += 1
        if flag(i):
            trues += 1
        sevens += seven()
        if i % 1000 == 0:
            labels.append(label(i - 500))
        p = Point(i, -i)
        last = p
        total = total + Money(1)
        if i % 500 == 0:
            total = 1 + total
            total = total + Money(2)
    print(nones, trues, sevens, labels, last.x, last.y, total.cents)
    made = 0
    try:
        for i in range(3000):
            Picky(i)
            made += 1
    except TypeError as e:
        print("TypeError:", e, "after", made)


run()
