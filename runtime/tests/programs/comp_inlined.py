# List, set and dict comprehensions inside functions are compiled into the
# function's own code (a loop over hidden locals) but must behave as if they
# had their own scope: targets never touch the function's names, reads see
# the function's current values, and errors unwind cleanly.


def shadowing():
    x = "outer"
    squares = [x * x for x in range(4)]
    pairs = {x: y for x, y in zip("ab", [1, 2])}
    return x, squares, pairs


def target_not_leaked():
    [leak for leak in range(3)]
    try:
        return leak  # noqa: F821 (a global lookup: the target is not a local)
    except NameError as e:
        return "NameError: " + str(e)


def shadowing_a_cell():
    x = "cell"

    def read():
        return x

    ys = [x + 1 for x in range(3)]
    return x, read(), ys


def reads_arguments_and_locals(items, factor):
    offset = 100
    return [factor * item + offset for item in items if item % 2]


def nested_clauses(rows):
    return [(r, c) for r in range(rows) if r != 1 for c in range(r) if (r + c) % 2 == 0]


def unpacking_targets(table):
    return {k: v * 2 for k, (v, _) in table.items()}, sorted({a - b for a, b in table.values()})


def nested_comprehensions(grid):
    # The outer one keeps its own frame; the inner one is inlined into it.
    return [[cell * 10 for cell in row] for row in grid], [y for y in [x + 1 for x in range(3)]]


def walrus_binds_in_the_function(values):
    total = 0
    seen = [(total := total + v) for v in values]
    return seen, total


def locals_after(items):
    doubled = [i * 2 for i in items]
    return sorted(locals())


def caught_midway(items):
    results = []
    for divisor in (2, 0, 5):
        try:
            results.append([i // divisor for i in items])
        except ZeroDivisionError as e:
            results.append("caught " + str(e))
    return results


def iteration_error():
    def broken():
        yield 1
        raise ValueError("from the iterator")

    try:
        return [v for v in broken()]
    except ValueError as e:
        return "caught " + str(e)


def first_iterable_error():
    try:
        return [v for v in 5]
    except TypeError as e:
        return "caught " + str(e)


def recursive(n):
    if n == 0:
        return [0]
    return [n + v for v in recursive(n - 1)]


def in_generator(n):
    for k in range(n):
        yield {k * j for j in range(3)}


class Grid:
    scale = 3
    # A class body's comprehension sees only its first iterable's names.
    cells = [c * 2 for c in range(scale)]

    def __init__(self, n):
        self.n = n

    def rows(self):
        return [[self.n * r + c for c in range(self.n)] for r in range(self.n)]

    def flat(self):
        return [self.n * v for v in range(self.n)]


def hot_loop(n):
    # Hot enough for tier 2; the element type changes midway.
    total = 0
    for k in range(n):
        values = [k + j for j in range(4)] if k < n // 2 else [k * 0.5 for _ in range(2)]
        total += len({v for v in values}) + len({j: j for j in values})
    return total


print(shadowing())
print(target_not_leaked())
print(shadowing_a_cell())
print(reads_arguments_and_locals(range(10), 3))
print(nested_clauses(5))
print(unpacking_targets({"a": (1, 2), "b": (5, 3)}))
print(nested_comprehensions([[1, 2], [3]]))
print(walrus_binds_in_the_function([1, 2, 3]))
print(locals_after([1, 2]))
print(caught_midway([4, 9]))
print(iteration_error())
print(first_iterable_error())
print(recursive(4))
print(list(in_generator(3)))
print(Grid.cells, Grid(3).rows(), Grid(2).flat())
print(hot_loop(4000))
print((lambda xs: [x * x for x in xs])([1, 2, 3]))
