# nqueens: counts the solutions of the n-queens problem for several board sizes
# with generators: a hand-written permutation generator filtered by diagonal
# checks, and a recursive backtracking generator using yield from.
# Size of the run (tuned for about 1.2 s on /usr/bin/python3.11); lower it for quick runs.
PERMUTATION_SIZE = 9
BACKTRACKING_SIZE = 12

def permutations(items):
    # Yields every ordering of items (a list), each as a new tuple.
    n = len(items)
    if n <= 1:
        yield tuple(items)
        return
    for i in range(n):
        rest = items[:i] + items[i + 1:]
        for tail in permutations(rest):
            yield (items[i],) + tail


def queens_by_permutation(n):
    # A permutation places one queen per row and column; keep those with
    # distinct diagonals.
    cols = list(range(n))
    for perm in permutations(cols):
        if n == len({perm[i] + i for i in cols}) == len({perm[i] - i for i in cols}):
            yield perm


def place(n, row, used_cols, used_up, used_down, placed):
    if row == n:
        yield tuple(placed)
        return
    for col in range(n):
        if col in used_cols or (row + col) in used_up or (row - col) in used_down:
            continue
        used_cols.add(col)
        used_up.add(row + col)
        used_down.add(row - col)
        placed.append(col)
        yield from place(n, row + 1, used_cols, used_up, used_down, placed)
        placed.pop()
        used_cols.discard(col)
        used_up.discard(row + col)
        used_down.discard(row - col)


def queens_by_backtracking(n):
    yield from place(n, 0, set(), set(), set(), [])


def main(perm_size, back_size):
    for n in range(4, perm_size + 1):
        solutions = list(queens_by_permutation(n))
        print("permutations n=%d: %d solutions, first %s" % (n, len(solutions), solutions[0] if solutions else None))
    for n in range(4, back_size + 1):
        count = 0
        checksum = 0
        for sol in queens_by_backtracking(n):
            count += 1
            checksum = (checksum * 131 + sum((i + 1) * c for i, c in enumerate(sol))) % 1000003
        print("backtracking n=%d: %d solutions, checksum %d" % (n, count, checksum))


main(PERMUTATION_SIZE, BACKTRACKING_SIZE)
