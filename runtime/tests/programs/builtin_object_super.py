# object() and super() in more unusual forms.
o = object()
try:
    o.attr = 1
except AttributeError as e:
    print("AttributeError:", e)
print(type(o).__name__, isinstance(o, object), object.__name__)


class A:
    def f(self):
        return "A.f"


class B(A):
    def f(self):
        return "B.f>" + super().f()

    def g(self):
        return super(B, self).f()


b = B()
print(b.f(), b.g(), super(B, b).f())


class Base:
    def __init_subclass__(cls, **kw):
        super().__init_subclass__()
        cls.registered = True


class Child(Base):
    pass


print(Child.registered)
