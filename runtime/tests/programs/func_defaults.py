# Default argument values, evaluated once at definition time.
def greet(name, greeting="Hello", punct="!"):
    return f"{greeting}, {name}{punct}"


print(greet("A"), greet("B", "Hi"), greet("C", punct="?"), greet(punct=".", name="D"))
counter = 10


def snapshot(v=counter):
    return v


counter = 20
print(snapshot(), snapshot(5))


def append_to(item, target=[]):
    target.append(item)
    return target


print(append_to(1), append_to(2), append_to(3, []))


def safe_append(item, target=None):
    if target is None:
        target = []
    target.append(item)
    return target


print(safe_append(1), safe_append(2))
print(greet.__defaults__)
