# finally runs on return, break and continue; a return in finally wins.
def f():
    try:
        return "try"
    finally:
        print("finally runs")


print(f())


def g():
    try:
        return "try"
    finally:
        return "finally"


print(g())
for i in range(3):
    try:
        if i == 0:
            continue
        if i == 2:
            break
        print("body", i)
    finally:
        print("cleanup", i)


def h():
    for i in range(3):
        try:
            raise ValueError(i)
        except ValueError:
            if i == 1:
                return i
        finally:
            print("h finally", i)


print(h())
