# inf and nan behaviour.
import math
inf = float("inf")
nan = float("nan")
print(inf + 1, inf - inf, inf * 0, -inf, inf > 1e308, -inf < -1e308)
print(nan == nan, nan != nan, nan < 1, nan > 1, math.isnan(nan), math.isinf(-inf))
print(1 / inf, -1 / inf, inf == inf, max(1.0, inf), min(-inf, 0))
print(float("Infinity"), float("-iNF"), float("nan") is not None)
print(math.copysign(1.0, -0.0), -0.0 == 0.0, math.isfinite(1e308))
