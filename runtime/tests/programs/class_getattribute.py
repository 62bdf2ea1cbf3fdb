# __getattribute__ intercepts every attribute lookup.
class Logged:
    def __init__(self):
        self.value = 1

    def __getattribute__(self, name):
        if name == "magic":
            return 42
        log = object.__getattribute__(self, "__dict__").setdefault("_log", [])
        log.append(name)
        return object.__getattribute__(self, name)


o = Logged()
print(o.value, o.magic, o.value)
print(object.__getattribute__(o, "_log"))
try:
    o.missing
except AttributeError as exc:
    print("AttributeError:", exc)
