# frozenset is hashable and immutable.
f = frozenset([3, 1, 2, 3])
print(f, len(f), 1 in f, frozenset())
print(f | {9}, f & {1, 5}, type(f | {9}).__name__, type({9} | f).__name__)
print(hash(f) == hash(frozenset([1, 2, 3])), f == {1, 2, 3})
groups = {frozenset({1, 2}): "a", frozenset({2, 3}): "b"}
print(groups[frozenset({2, 1})])
try:
    f.add(4)
except AttributeError as exc:
    print("AttributeError:", exc)
nested = {frozenset({1}), frozenset({1})}
print(len(nested))
