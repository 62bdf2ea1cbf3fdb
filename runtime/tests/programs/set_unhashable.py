# Unhashable elements are rejected; tuples of hashables are fine.
s = {(1, 2), (1, 2), ("a", None)}
print(len(s), (1, 2) in s)
for bad in ([1], {"k": 1}, {1}):
    try:
        s.add(bad)
    except TypeError as exc:
        print("TypeError:", exc)
try:
    [] in s
except TypeError as exc:
    print("TypeError:", exc)
