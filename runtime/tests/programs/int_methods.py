# int methods and related builtins.
print((10).bit_length(), (-10).bit_length(), (1 << 80).bit_length())
print(int.__name__, (7).__add__(3), (7).__mul__(6), (5).real, (5).imag)
print((17).conjugate(), (6).numerator, (6).denominator)
print(abs(-(2 ** 70)), -abs(5), round(1234, -2), round(1250, -2), round(1350, -2))
