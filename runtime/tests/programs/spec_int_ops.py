# Tier 1: the int operator form covers // % & | ^ << >> with Python's floor semantics,
# and leaves zero divisors, big results and negative shifts to the generic operation.
def ops(pairs):
    out = []
    for x, y in pairs:
        out.append((x // y, x % y, x & y, x | y, x ^ y, x << (y % 8), x >> (abs(y) % 70)))
    return out


pairs = [(a, b) for a in range(-40, 41, 7) for b in list(range(-9, 0)) + list(range(1, 10))]
r = ops(pairs * 20)
print(len(r), r[:5], r[-5:], sum(map(sum, r)))
print(ops([(2 ** 46, 3), (-(2 ** 46), 7), (2 ** 47 - 1, -1), (-(2 ** 47), -1), (123456789012345, 97)]))
try:
    ops([(5, 2)] * 100 + [(1, 0)])
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
