# __class__ assignment keeps instance attributes but changes class attributes and isinstance.
class Celsius:
    unit = "C"

    def show(self):
        return f"{self.value}{self.unit}"


class Fahrenheit:
    unit = "F"

    def show(self):
        return f"{self.value * 9 / 5 + 32}{self.unit}"


readings = [Celsius() for _ in range(5)]
for i, r in enumerate(readings):
    r.value = i * 10
out = []
for n in range(3):
    for r in readings:
        out.append(r.show())
    for r in readings[::2]:
        r.__class__ = Fahrenheit if type(r) is Celsius else Celsius
print(out)
try:
    readings[0].__class__ = int
except TypeError as e:
    print("TypeError:", e)
