# Generator expressions are lazy and single-use.
squares = (x * x for x in range(5))
print(type(squares).__name__, next(squares), list(squares), list(squares))
print(sum(x for x in range(101)), max(len(w) for w in ["a", "abc", "ab"]))
evaluated = []


def note(v):
    evaluated.append(v)
    return v


lazy = (note(v) for v in range(3))
print(evaluated)
print(next(lazy), evaluated)
print(any(x > 2 for x in [1, 2, 3, 4]), all(x > 0 for x in []), sorted((c for c in "dcba"), reverse=True))
print(list(x * y for x in range(3) for y in range(3) if x != y))
