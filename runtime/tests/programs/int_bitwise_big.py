# Bit operations on integers beyond 64 bits, including negatives.
a = (1 << 130) - 1
b = 0x5555555555555555555555555555555555
print(a & b, a | b, a ^ b)
print(~a, -a & 0xFFFF, (-a) >> 64, (-(1 << 100)) >> 3)
print((1 << 200) >> 190, 1 << 64, (1 << 64) - 1 & -(1 << 32))
print(a.bit_length(), (0).bit_length(), (-255).bit_length())
