# any and all short-circuit.
print(any([]), all([]), any([0, 0, 1]), all([1, 1, 0]), any("a"), all(["", "x"]))
seen = []


def check(v):
    seen.append(v)
    return v > 2


print(any(check(v) for v in [1, 3, 5]), seen)
seen.clear()
print(all(check(v) for v in [3, 1, 5]), seen)
