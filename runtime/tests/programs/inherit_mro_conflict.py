# Inconsistent hierarchies are rejected with a TypeError.
class A:
    pass


class B(A):
    pass


try:
    class Bad(A, B):
        pass
except TypeError as exc:
    print("TypeError:", exc)
try:
    class Dup(A, A):
        pass
except TypeError as exc:
    print("TypeError:", exc)
class Good(B, A):
    pass
print([k.__name__ for k in Good.__mro__])
