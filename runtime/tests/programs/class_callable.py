# __call__ makes instances callable.
class Adder:
    def __init__(self, n):
        self.n = n
        self.calls = 0

    def __call__(self, v, *rest):
        self.calls += 1
        return v + self.n + sum(rest)


add5 = Adder(5)
print(add5(1), add5(1, 2, 3), add5.calls, callable(add5), callable(Adder), callable(3))
print(list(map(add5, [10, 20])))
