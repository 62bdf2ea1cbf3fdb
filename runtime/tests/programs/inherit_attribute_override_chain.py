# Class attributes resolved along the MRO, changed at different levels.
class Base:
    color = "red"
    size = 1


class Mid(Base):
    size = 2


class Leaf(Mid):
    pass


leaf = Leaf()
print(leaf.color, leaf.size)
Base.color = "blue"
print(leaf.color)
Mid.color = "green"
print(leaf.color, Base.color)
del Mid.size
print(leaf.size)
Leaf.size = 3
print(leaf.size, Mid().size)
