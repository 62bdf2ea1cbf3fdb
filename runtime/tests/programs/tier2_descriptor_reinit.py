# Tier 2, event "descriptor mutated" (global, threshold 1): hot loops that go
# through a property, a staticmethod or a classmethod see its `__init__`
# called again at once, in their own thread and in another one, also after
# the event's threshold.
from _tier2_spin import Spinner


class Box:
    def __init__(self, w):
        self.w = w

    def small(self):
        return self.w

    def big(self):
        return self.w * 1000

    size = property(small)

    @staticmethod
    def unit():
        return 1

    @classmethod
    def kind(cls):
        return 2


def other_unit():
    return 50


def other_kind(cls):
    return 600


# (a) The descriptor changes inside the loop that uses it.
def sizes(n, change_at):
    b = Box(3)
    total = 0
    for i in range(n):
        total += b.size
        if i == change_at:
            Box.__dict__["size"].__init__(Box.big)
    return total


print("a property", sizes(4000, 2000))


def units(n, change_at):
    b = Box(1)
    total = 0
    for i in range(n):
        total += Box.unit() + b.unit()
        if i == change_at:
            Box.__dict__["unit"].__init__(other_unit)
    return total


print("a staticmethod", units(4000, 2000))


def kinds(n, change_at):
    b = Box(1)
    total = 0
    for i in range(n):
        total += Box.kind() + b.kind()
        if i == change_at:
            Box.__dict__["kind"].__init__(other_kind)
    return total


print("a classmethod", kinds(4000, 2000))


# (b) Another thread spins through each kind of descriptor until it changes.
def yes(*args):
    return True


def no(*args):
    return False


class Task:
    on = property(yes)
    static_on = staticmethod(yes)
    class_on = classmethod(yes)


task = Task()


def spin_on_property(s):
    n = 0
    while task.on:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


def spin_on_staticmethod(s):
    n = 0
    while task.static_on():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


def spin_on_classmethod(s):
    n = 0
    while Task.class_on():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


for spin, name in [
    (spin_on_property, "on"),
    (spin_on_staticmethod, "static_on"),
    (spin_on_classmethod, "class_on"),
]:
    spinner = Spinner(spin)
    spinner.wait_hot()
    Task.__dict__[name].__init__(no)
    print("b", name, spinner.join())


# (c) Past the threshold: the property's getter changes every 100
# iterations, and every change is seen.
def flipping(n):
    b = Box(2)
    getters = [Box.small, Box.big]
    total = 0
    for i in range(n):
        total += b.size
        if i % 100 == 99:
            Box.__dict__["size"].__init__(getters[(i // 100) % 2])
    return total


print("c", flipping(6000), flipping(6000))
Task.__dict__["on"].__init__(yes)
spinner = Spinner(spin_on_property)
spinner.wait_hot()
Task.__dict__["on"].__init__(no)
print("c spin", spinner.join())
