# math constants and basic functions.
import math

print(math.pi, math.e, math.tau, math.inf, -math.inf, math.isnan(math.nan))
print(math.sqrt(2), math.sqrt(16), math.floor(-2.5), math.ceil(-2.5), math.floor(7), math.trunc(-3.9))
print(math.fabs(-3), math.gcd(48, 18), math.gcd(0, 5), math.factorial(20), math.isqrt(10 ** 20 + 1))
print(math.pow(2, 10), math.hypot(3, 4), math.fmod(-7, 3), math.copysign(3, -0.0), math.modf(3.25))
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
print(type(math.floor(2.5)).__name__, math.floor(10 ** 20 + 0.5) if False else math.floor(1e20))
