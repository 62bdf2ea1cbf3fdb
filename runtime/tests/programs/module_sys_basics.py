# sys: argv, recursion limit, modules, maxsize, version_info.
import sys

print(sys.argv[0].endswith("module_sys_basics.py"), sys.argv[1:])
print(sys.getrecursionlimit())
sys.setrecursionlimit(2000)
print(sys.getrecursionlimit())
print("sys" in sys.modules, "builtins" in sys.modules, sys.modules["sys"] is sys)
print(sys.maxsize == 2 ** 63 - 1, sys.version_info[0], sys.version_info >= (3, 0))
import math
print(sys.modules["math"] is math)
