# isinstance / issubclass with hierarchies and tuples of classes.
class A: pass
class B(A): pass
class C(B): pass
class D: pass


c = C()
print(isinstance(c, A), isinstance(c, D), isinstance(c, (D, B)), isinstance(c, object))
print(issubclass(C, A), issubclass(A, C), issubclass(C, C), issubclass(B, (D, A)), issubclass(bool, int))
print(isinstance(1, (str, int)), isinstance("s", str), isinstance([], (tuple,)), isinstance(None, type(None)))
print(type(c) is C, type(c) == B, isinstance(C, type), issubclass(type, object))
try:
    issubclass(c, A)
except TypeError as exc:
    print("TypeError:", exc)
