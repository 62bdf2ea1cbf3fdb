# __name__ is "__main__" for the script; helper modules see their own name.
import _helper_shapes

print(__name__, _helper_shapes.__name__)
if __name__ == "__main__":
    print("running as main")


def f():
    return __name__


print(f())
