# AttributeError messages for instances, classes, modules and builtins.
import math


class K:
    pass


for op in [lambda: K().nope, lambda: K.nope, lambda: math.nope, lambda: (1).nope, lambda: "s".nope,
           lambda: [].nope, lambda: None.nope]:
    try:
        op()
    except AttributeError as e:
        print("AttributeError:", e)
try:
    (1).x = 5
except AttributeError as e:
    print("AttributeError:", e)
