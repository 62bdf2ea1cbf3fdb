# Attribute access through properties, as classes that derive or check
# their fields do: a computed getter and a converting setter.
class Thermometer:
    def __init__(self, celsius):
        self._celsius = celsius

    @property
    def fahrenheit(self):
        return self._celsius * 9 / 5 + 32

    @fahrenheit.setter
    def fahrenheit(self, degrees):
        self._celsius = (degrees - 32) * 5 / 9

    @property
    def celsius(self):
        return self._celsius


def main():
    t = Thermometer(20.0)
    total = 0.0
    for i in range(1500000):
        t.fahrenheit = t.fahrenheit + 0.5
        total += t.celsius
    print(round(total, 3))


main()
