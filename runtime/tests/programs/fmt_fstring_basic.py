# f-strings with expressions, conversions and the = specifier.
name = "World"
n = 42
items = [1, 2, 3]
print(f"Hello, {name}!")
print(f"{n} squared is {n * n}; half is {n / 2}")
print(f"{name!r} {name!s} {items} {items[1]} {len(items)}")
print(f"{'nested'} {f'{n}'} {{literal braces}}")
print(f"{n=}, {name=}, {n + 1 = }")
print(f"{None} {True} {3.0} {1e20} {-0.0}")
d = {"key": "value"}
print(f"{d['key']} {d}")
print(f"multi {n}" f" part {name}")
