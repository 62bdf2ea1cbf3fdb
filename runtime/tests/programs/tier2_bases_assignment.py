# Tier 2, event "class bases set" (global, threshold 1): hot loops that read
# inherited attributes and call inherited methods see `C.__bases__ = (...)`
# at once, in their own thread and in another one, also after the event's
# threshold.
from _tier2_spin import Spinner


class Small:
    size = 1

    def twice(self):
        return 2


class Large:
    size = 100

    def twice(self):
        return 200


class Item(Small):
    pass


class Part(Item):
    pass


# (a) The bases change inside the loop, on the class and on its base class.
def sizes(n, change_at):
    item = Item()
    total = 0
    for i in range(n):
        total += Item.size + item.twice()
        if i == change_at:
            Item.__bases__ = (Large,)
    return total


print("a class", sizes(5000, 2500))


def part_sizes(n, change_at):
    part = Part()
    total = 0
    for i in range(n):
        total += part.size + part.twice()
        if i == change_at:
            Item.__bases__ = (Small,)
    return total


print("a base", part_sizes(5000, 1000), Part.__mro__[2].__name__)


# (b) Another thread spins on an inherited method until the bases change.
class Going:
    def going(self):
        return True


class Done:
    def going(self):
        return False


class Task(Going):
    pass


task = Task()


def spin_on_inherited(s):
    n = 0
    while task.going():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_inherited)
spinner.wait_hot()
Task.__bases__ = (Done,)
print("b", spinner.join())


# (c) Past the threshold: the bases flip every 100 iterations.
def flipping(n):
    item = Item()
    total = 0
    for i in range(n):
        total += item.size + Part.size
        if i % 100 == 99:
            Item.__bases__ = (Large,) if (i // 100) % 2 == 0 else (Small,)
    return total


print("c", flipping(6000), flipping(6000))
Task.__bases__ = (Going,)
spinner = Spinner(spin_on_inherited)
spinner.wait_hot()
Task.__bases__ = (Done,)
print("c spin", spinner.join())
