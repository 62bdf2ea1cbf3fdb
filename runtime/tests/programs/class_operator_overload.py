# Arithmetic dunders, reflected and in-place forms, NotImplemented.
class V:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return f"V({self.x}, {self.y})"

    def __add__(self, o):
        if isinstance(o, V):
            return V(self.x + o.x, self.y + o.y)
        return NotImplemented

    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)

    def __mul__(self, k):
        if isinstance(k, (int, float)):
            return V(self.x * k, self.y * k)
        return NotImplemented

    def __rmul__(self, k):
        return self * k

    def __truediv__(self, k):
        return V(self.x / k, self.y / k)

    def __neg__(self):
        return V(-self.x, -self.y)

    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

    def __iadd__(self, o):
        self.x += o.x
        self.y += o.y
        return self

    def __eq__(self, o):
        return isinstance(o, V) and self.x == o.x and self.y == o.y


a, b = V(1, 2), V(3, 4)
print(a + b, b - a, a * 3, 3 * a, b / 2, -a, abs(b), a == V(1, 2))
alias = a
a += b
print(a, alias, a is alias)
try:
    a + 1
except TypeError as exc:
    print("TypeError:", exc)
try:
    "s" * a
except TypeError as exc:
    print("TypeError:", exc)


class Num:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Num(self.v + other.v)

    def __radd__(self, other):
        return Num(other + self.v)

    def __floordiv__(self, o):
        return Num(self.v // o)

    def __mod__(self, o):
        return Num(self.v % o)

    def __pow__(self, o):
        return Num(self.v ** o)

    def __lshift__(self, o):
        return Num(self.v << o)

    def __and__(self, o):
        return Num(self.v & o)


print(sum([Num(1), Num(2), Num(3)]).v, (Num(17) // 5).v, (Num(17) % 5).v, (Num(2) ** 10).v, (Num(1) << 4).v, (Num(6) & 3).v)
