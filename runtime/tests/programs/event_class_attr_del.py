# Event "class attribute set" by deletion: a shadowing class attribute is deleted mid-loop,
# exposing the base class value, then deleted from the base too (AttributeError caught).
class Base:
    limit = 5


class Child(Base):
    limit = 50


c = Child()
total = 0
i = 0
while i < 3000:
    try:
        total += c.limit
    except AttributeError as e:
        total -= 1
    if i == 1000:
        del Child.limit
    if i == 2000:
        del Base.limit
    i += 1
print(total)
