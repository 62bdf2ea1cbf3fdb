# Class decorators and a registry.
registry = {}


def register(cls):
    registry[cls.__name__.lower()] = cls
    return cls


def with_greeting(text):
    def deco(cls):
        cls.greet = lambda self: f"{text} from {type(self).__name__}"
        return cls
    return deco


@register
@with_greeting("hello")
class Alpha:
    pass


@register
class Beta:
    def greet(self):
        return "beta greets"


print(sorted(registry), registry["alpha"]().greet(), registry["beta"]().greet())
