# Event "class attribute set" fired far more often than its threshold (every iteration).
class Counter:
    value = 0


for i in range(5000):
    Counter.value = Counter.value + i


class Meter:
    unit = "m"


out = []
for i in range(40):
    Meter.unit = "m" if i % 2 else "km"
    out.append(Meter().unit)
print(Counter.value, "".join(u[0] for u in out), out.count("km"))
