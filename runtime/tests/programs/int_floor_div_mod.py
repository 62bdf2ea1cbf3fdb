# Floor division and modulo follow floor semantics for every sign combination.
for a in (13, -13, 0, 1, -1):
    for b in (4, -4, 1, -1, 13):
        q, r = a // b, a % b
        assert q * b + r == a
        print(a, b, q, r)
print(-(2 ** 70) // 3, -(2 ** 70) % 3, (2 ** 70) // -7, (2 ** 70) % -7)
