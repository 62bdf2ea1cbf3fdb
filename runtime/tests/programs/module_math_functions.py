# Transcendental functions of math, printed with their full repr.
import math

for x in [0.5, 1.0, 2.0, 10.0]:
    print(x, math.exp(x), math.log(x), math.log10(x), math.log2(x), math.log(x, 3))
for a in [0.0, 0.5, 1.0, math.pi / 3]:
    print(a, math.sin(a), math.cos(a), math.tan(a), math.atan(a), math.asin(min(a, 1.0)))
print(math.atan2(1, -1), math.degrees(math.pi), math.radians(180), math.exp(-745), math.log1p(1e-10))
print(math.isclose(0.1 + 0.2, 0.3), math.fsum([0.1] * 10), math.prod([1, 2, 3, 4]), math.comb(10, 3), math.perm(5, 2))
try:
    math.log(0)
except ValueError as e:
    print("ValueError:", e)
try:
    math.exp(1000)
except OverflowError as e:
    print("OverflowError:", e)
