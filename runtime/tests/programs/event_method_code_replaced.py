# Event "function modified" on a method's function object: the class keeps the function, its code changes.
class Greeter:
    def greet(self, n):
        return n


def loud(self, n):
    return n * 10


g = Greeter()
total = 0
for i in range(20000):
    total += g.greet(1)
    if i == 10000:
        Greeter.greet.__code__ = loud.__code__
print(total, g.greet(2))
