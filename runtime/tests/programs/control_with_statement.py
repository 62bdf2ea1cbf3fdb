# with statement: __enter__/__exit__ order, exception suppression and propagation.
class Managed:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None, exc)
        return self.suppress


with Managed("a") as value:
    print("inside", value)
with Managed("b", suppress=True):
    raise ValueError("swallowed")
print("after b")
try:
    with Managed("c"):
        raise KeyError("propagates")
except KeyError as exc:
    print("caught", repr(exc))
with Managed("outer") as o, Managed("inner") as i:
    print("both", o, i)


def early():
    with Managed("ret"):
        return "returned"


print(early())
for n in range(2):
    with Managed(f"loop{n}"):
        if n == 0:
            continue
        break
