# Bitwise operators on positive, negative and large ints.
a, b = 0b1100, 0b1010
print(a & b, a | b, a ^ b, ~a, a << 3, a >> 2)
print(-12 & 7, -12 | 7, -12 ^ 7, ~-1, -17 >> 2, -1 << 10)
big = 1 << 100
print(big, big >> 99, big | 1, (big - 1) & 0xFF, ~big)
print(True & False, True | False, True ^ True)
try:
    1 << -1
except ValueError as exc:
    print("ValueError:", exc)
