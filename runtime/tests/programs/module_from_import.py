# from-import, aliases and module attributes.
from _helper_shapes import Square, total_area as ta
from math import sqrt, pi as PI
import math as m
import _helper_shapes as hs

print(Square(2).area(), ta([Square(1), Square(2)]), sqrt(81), PI == m.pi, hs.Square is Square)
try:
    from _helper_shapes import does_not_exist
except ImportError as e:
    # The message ends with the module's file path in parentheses: keep the stable part.
    print("ImportError:", str(e).split(" (")[0])
try:
    import _no_such_module_here
except ImportError as e:
    print(type(e).__name__, e)
