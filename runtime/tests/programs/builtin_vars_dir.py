# vars() and dir() on instances, classes and modules.
class P:
    cls_var = 1

    def __init__(self):
        self.a = 1
        self.b = 2

    def method(self):
        pass


p = P()
print(vars(p), sorted(vars(p)))
names = dir(p)
print("a" in names, "method" in names, "cls_var" in names, "__init__" in names, names == sorted(names))
print([n for n in dir(P) if not n.startswith("__")])
import math
print("sqrt" in dir(math), "pi" in vars(math))
vars(p)["c"] = 3
print(p.c)
