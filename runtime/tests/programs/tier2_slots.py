# Hot loops over __slots__ instances run in tier-2 executors: slot loads and
# stores, constructors inlined with their first stores, sites that see
# several classes whose layouts put a name in different slots, a slot
# deleted mid-loop, and the class events that make an executor's
# assumptions about a slotted class wrong.
class Particle:
    __slots__ = ("x", "v")

    def __init__(self, x, v):
        self.x = x
        self.v = v

    def step(self):
        self.x = self.x + self.v


def run_particles(n):
    ps = [Particle(i, i % 3) for i in range(8)]
    for _ in range(n):
        for p in ps:
            p.step()
    return [p.x for p in ps]


print(run_particles(3000))


def build(n):
    # The constructor is inlined, its stores into the fresh instance.
    total = 0
    for i in range(n):
        p = Particle(i, 2 * i)
        total += p.x + p.v
    return total


print(build(20000))


# The same name in different slots, and in a dict, at one site.
class First:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b


class Swapped:
    __slots__ = ("b", "a")

    def __init__(self, a, b):
        self.b = b
        self.a = a


class Plain:
    def __init__(self, a, b):
        self.a = a
        self.b = b


def mixed(n):
    objs = [First(1, 2), Swapped(3, 4), Plain(5, 6), Swapped(7, 8)]
    total = 0
    for i in range(n):
        o = objs[i % 4]
        total += o.a * 10 + o.b
        o.a = o.a + 1
    return total, [(o.a, o.b) for o in objs]


print(mixed(20000))


# A slot deleted while a hot loop reads it.
def read_until_deleted(p, n):
    seen = 0
    for i in range(n):
        try:
            seen += p.x
        except AttributeError:
            seen += 1000
            p.x = 0
        if i == n // 2:
            del p.x
    return seen


print(read_until_deleted(Particle(1, 0), 6000))


# A property set on the class shadows the slot (the member is replaced).
class Cell:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def read_cells(cells, n, switch_at):
    total = 0
    for i in range(n):
        for c in cells:
            total += c.value
        if i == switch_at:
            Cell.value = property(lambda self: -1)
    return total


print(read_cells([Cell(k) for k in range(5)], 4000, 2000))


# __class__ assignment mid-loop to a class with the same layout.
class Up:
    __slots__ = ("n",)

    def bump(self):
        self.n += 1


class Down:
    __slots__ = ("n",)

    def bump(self):
        self.n -= 1


def bumps(obj, n):
    trace = []
    for i in range(n):
        obj.bump()
        if i == n // 2:
            obj.__class__ = Down
        if i % 1000 == 0:
            trace.append(obj.n)
    return obj.n, trace


u = Up()
u.n = 0
print(bumps(u, 6000))
