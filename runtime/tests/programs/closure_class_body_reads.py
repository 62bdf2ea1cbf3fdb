# A class body inside a function reads the function's locals (they become
# cells), unless the body binds the name itself.
def f(g):
    class C:
        k = g
    return C.k
print(f(5))
def h(a):
    b = a * 2
    class D:
        x = a
        def m(self):
            return b
    return D.x, D().m()
print(h(3))
x = "global"
def f():
    x = "local"
    class C:
        y = x
        x = "class"
        z = x
    return C.y, C.z
print(f())
def g():
    n = 1
    class D:
        def m(self):
            return n
        k = [n for _ in range(2)]
    return D().m(), D.k
print(g())
