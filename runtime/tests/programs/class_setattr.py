# __setattr__ and __delattr__ hooks.
class Frozen:
    def __init__(self, **fields):
        for k, v in fields.items():
            object.__setattr__(self, k, v)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot set {name}")

    def __delattr__(self, name):
        raise AttributeError(f"cannot delete {name}")


f = Frozen(a=1, b=2)
print(f.a, f.b)
for action in ("set", "del"):
    try:
        if action == "set":
            f.a = 10
        else:
            del f.b
    except AttributeError as exc:
        print("AttributeError:", exc)


class Recording:
    def __setattr__(self, name, value):
        print("setting", name, value)
        super().__setattr__(name, value * 2)


r = Recording()
r.x = 5
print(r.x)
