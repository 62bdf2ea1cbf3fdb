# Tier 2, event "class attribute set" (local to the class and its subclasses):
# hot loops that read class attributes and methods see a set at once, in
# their own thread and in another one, also after the event's threshold.
from _tier2_spin import Spinner


class Config:
    scale = 1

    def weight(self):
        return 2


class Base:
    step = 1


class Middle(Base):
    pass


class Leaf(Middle):
    pass


class Unrelated:
    step = 100


# (a) The set happens inside the loop that reads the attribute.
def scaled(n, change_at):
    total = 0
    for i in range(n):
        total += Config.scale
        if i == change_at:
            Config.scale = 3
    return total


print("a class", scaled(5000, 2500))


# Through a base class, two levels up; the unrelated class keeps its value.
def leaf_steps(n, change_at):
    total = 0
    for i in range(n):
        total += Leaf.step + Unrelated.step
        if i == change_at:
            Base.step = 7
    return total


print("a base", leaf_steps(5000, 1000), Middle.step, Unrelated.step)


# A method replaced on the class while a loop calls it on an instance.
def weights(n, change_at):
    c = Config()
    total = 0
    for i in range(n):
        total += c.weight()
        if i == change_at:
            Config.weight = lambda self: 5
    return total


print("a method", weights(4000, 3000))


# Deleting a subclass attribute uncovers the base class's value.
class Shadow(Base):
    step = 1000


def shadowed(n, change_at):
    total = 0
    for i in range(n):
        total += Shadow.step
        if i == change_at:
            del Shadow.step
    return total


print("a del", shadowed(3000, 1500))


# (b) Another thread spins on a class attribute until this one clears it.
class Flag:
    on = True


def spin_on_class(s):
    n = 0
    while Flag.on:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_class)
spinner.wait_hot()
Flag.on = False
print("b class", spinner.join())


# The same through a base class.
class FlagBase:
    on = True


class FlagLeaf(FlagBase):
    pass


def spin_on_base(s):
    n = 0
    while FlagLeaf.on:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_base)
spinner.wait_hot()
FlagBase.on = False
print("b base", spinner.join())


# (c) Far past the threshold (8 sets per class): every set is still seen
# by the loop, on the class and through the base class.
class Counter:
    value = 0


class SubCounter(Counter):
    pass


def many_sets(n):
    total = 0
    for i in range(n):
        total += Counter.value + SubCounter.value
        if i % 100 == 0:
            Counter.value = i
    return total


print("c many", many_sets(6000), Counter.value, SubCounter.value)
print("c again", many_sets(6000))


def spin_after_threshold(s):
    n = 0
    while Flag.on:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


for _ in range(12):
    Flag.on = not Flag.on
Flag.on = True
spinner = Spinner(spin_after_threshold)
spinner.wait_hot()
Flag.on = False
print("c spin", spinner.join())
