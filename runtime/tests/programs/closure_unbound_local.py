# Assignment makes a name local for the whole function: UnboundLocalError.
x = 10


def reads_then_assigns():
    try:
        print(x)
    except UnboundLocalError as exc:
        print("UnboundLocalError:", exc)
    x = 5
    return x


print(reads_then_assigns())


def outer():
    y = 1

    def inner():
        try:
            y += 1
        except UnboundLocalError as exc:
            print("UnboundLocalError:", exc)

    inner()
    return y


print(outer())


def free_var_before_assignment():
    def inner():
        return z
    try:
        inner()
    except NameError as exc:
        print("NameError:", exc)
    z = 3
    return inner()


print(free_var_before_assignment())
