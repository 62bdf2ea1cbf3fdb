# Operator methods of user classes called from hot loops (a + b with a's
# class defining __add__): tier 2 calls the method directly, or inlines it,
# behind a class guard and a check of the right operand. Every way that can
# stop holding must give CPython's results.


class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        if isinstance(o, V):
            return V(self.x + o.x, self.y + o.y)
        if isinstance(o, (int, float)):
            return V(self.x + o, self.y + o)
        return NotImplemented

    def __mul__(self, k):
        return V(self.x * k, self.y * k)

    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)

    def __radd__(self, o):
        return V(o + self.x, o + self.y)

    def __repr__(self):
        return "V(%r, %r)" % (self.x, self.y)


class W(V):
    def __add__(self, o):
        return W(-1, -1)


def total(vs):
    acc = V(0, 0)
    for v in vs:
        acc = acc + v * 2
    return acc


def offsets(vs, k):
    out = None
    for v in vs:
        out = v + k
    return out


def differences(vs):
    acc = V(0.0, 0.0)
    for v in vs:
        acc = acc - v
    return acc


def replaced(vs):
    acc = V(0, 0)
    for i, v in enumerate(vs):
        if i == len(vs) // 2:
            V.__mul__ = lambda self, k: V(k, k)
        acc = acc + v * 3
    return acc


class Picky:
    def __init__(self, n):
        self.n = n

    def __add__(self, k):
        if k == 2999:
            return NotImplemented
        return Picky(self.n + k)


def picky(n):
    acc = Picky(0)
    for i in range(n):
        acc = acc + i
    return acc.n


def main():
    vs = [V(i, -i) for i in range(3000)]
    print(total(vs))
    # The right operand stops being a V: an int, a float, then a str
    # (NotImplemented from __add__, and str has no __radd__ for V).
    print(offsets(vs, 5), offsets(vs, 0.5))
    try:
        offsets(vs, "s")
    except TypeError as e:
        print("TypeError:", e)
    # The left operand's class changes at the end: a subclass overriding.
    print(total(vs[:-1] + [W(1, 1)]))
    mixed = vs + [W(2, 2)]
    print(differences(mixed))
    # An operand that lacks what the method reads: AttributeError inside.
    try:
        differences(vs + [3])
    except AttributeError as e:
        print("AttributeError:", e)
    # The method replaced on the class while the loop runs.
    print(replaced(vs))
    # A raising operator method.
    V.__sub__ = lambda self, o: 1 / 0
    try:
        differences(vs)
    except ZeroDivisionError as e:
        print("ZeroDivisionError:", e)
    # NotImplemented from an inlined method: the TypeError.
    print(picky(2999))
    try:
        picky(3000)
    except TypeError as e:
        print("TypeError:", e)
    # 1 + V: int's __add__ gives NotImplemented, V.__radd__ answers.
    print(sum(vs[:10], 0))


# Everything runs after the module defined its names: the globals it
# stores while executors exist stay below their event threshold.
main()
