# Tier 1: a staticmethod called through an instance (`obj.f(x)`) loads its
# function from the descriptor without a receiver, and a property read
# through an instance calls its getter. Each meets what breaks its guard
# mid-loop: the staticmethod re-initialized with another function, the
# class attribute replaced by a plain method or a property, an instance
# attribute shadowing it, __class__ assignment, instances of another class
# at the same site, a staticmethod of a callable object, and tier 2's
# executors over the same loops (their constants follow each change).


def double(x):
    return 2 * x


def triple(x):
    return 3 * x


class Ops:
    scale = staticmethod(double)

    @property
    def size(self):
        return 5


class Other:
    scale = staticmethod(triple)

    @property
    def size(self):
        return 7


def run(objs, n, change_at=-1, change=None):
    t = 0
    for i in range(n):
        o = objs[i % len(objs)]
        t += o.scale(i) + o.size
        if i == change_at:
            change()
    return t


ops = Ops()
print(run([ops], 3000))
print(run([ops, Other()], 3000))
# Re-initialized mid-loop, then back.
print(run([ops], 3000, 1500, lambda: Ops.__dict__["scale"].__init__(triple)))
Ops.__dict__["scale"].__init__(double)
print(run([ops], 3000))


# The class attribute replaced by a plain method: the receiver is passed.
def as_method(self, x):
    return x + 1


print(run([ops], 3000, 1000, lambda: setattr(Ops, "scale", as_method)))
Ops.scale = staticmethod(double)


# A property where the staticmethod was: a call of what it returns.
def make_property():
    Ops.scale = property(lambda self: triple)


print(run([ops], 3000, 1000, make_property))
Ops.scale = staticmethod(double)
# The getter re-initialized, and the property replaced by a constant.
print(run([ops], 3000, 1000, lambda: Ops.__dict__["size"].__init__(lambda self: 11)))
print(run([ops], 3000, 1000, lambda: setattr(Ops, "size", 2)))
Ops.size = property(lambda self: 5)

# An instance attribute shadowing the staticmethod.
shadowed = Ops()


def shadow():
    shadowed.scale = lambda x: -x


print(run([shadowed], 3000, 1000, shadow))


# __class__ assignment mid-loop.
moved = Ops()
print(run([moved], 3000, 1000, lambda: setattr(moved, "__class__", Other)))


# A staticmethod of something that is not a function.
class Adder:
    def __call__(self, x):
        return x + 100


class Wrapped:
    scale = staticmethod(Adder())
    size = 0


print(run([Wrapped()], 3000))
print(run([Wrapped()], 3000, 1500, lambda: Wrapped.__dict__["scale"].__init__(abs)))


# A staticmethod whose call raises, caught outside the loop.
def fails(x):
    if x == 2500:
        raise ValueError("at %d" % x)
    return x


class Failing:
    scale = staticmethod(fails)
    size = 1


try:
    run([Failing()], 3000)
except ValueError as e:
    print("raised", e)

