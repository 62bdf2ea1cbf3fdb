# The builtins module is importable and holds the builtin functions.
import builtins

print(builtins.len is len, builtins.print is print, builtins.ValueError is ValueError)
print(builtins.len([1, 2, 3]), builtins.__name__, hasattr(builtins, "isinstance"))
print(type(builtins).__name__)
