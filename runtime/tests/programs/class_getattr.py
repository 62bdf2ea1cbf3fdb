# __getattr__ is called only for missing attributes.
class Proxy:
    def __init__(self, target):
        self.target = target
        self.misses = 0

    def __getattr__(self, name):
        self.misses += 1
        if name.startswith("secret"):
            raise AttributeError(f"no {name}")
        return getattr(self.target, name)


p = Proxy([3, 1, 2])
p.append(0)
print(p.target, p.misses, p.count(1), p.misses)
print(hasattr(p, "secret_x"), getattr(p, "secret_y", "dflt"))
try:
    p.secret
except AttributeError as exc:
    print("AttributeError:", exc)
