# Changing __bases__ of a middle class changes the MRO of its subclasses too.
class A:
    tag = "A"


class B:
    tag = "B"


class Mid(A):
    pass


class Leaf(Mid):
    pass


leaf = Leaf()
tags = []
for i in range(2000):
    if i % 500 == 0:
        tags.append(leaf.tag)
    if i == 999:
        Mid.__bases__ = (B,)
print(tags, [k.__name__ for k in Leaf.__mro__], isinstance(leaf, B), isinstance(leaf, A))
