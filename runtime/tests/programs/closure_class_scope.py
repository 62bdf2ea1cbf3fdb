# Class bodies do not create enclosing scopes for methods, but do for the class body itself.
x = "global"


class C:
    x = "class"
    values = [x] * 2

    def method(self):
        return x

    def qualified(self):
        return C.x


print(C.values, C().method(), C().qualified())


def factory(tag):
    class Made:
        label = tag

        def get(self):
            return tag

    return Made


A = factory("a")
B = factory("b")
print(A().get(), B().get(), A.label, B.label)
