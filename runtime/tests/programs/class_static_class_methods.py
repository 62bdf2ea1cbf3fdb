# staticmethod and classmethod.
class Temperature:
    scale = "C"

    def __init__(self, degrees):
        self.degrees = degrees

    @classmethod
    def from_fahrenheit(cls, f):
        return cls((f - 32) * 5 / 9)

    @staticmethod
    def valid(degrees):
        return degrees >= -273.15

    @classmethod
    def describe(cls):
        return f"{cls.__name__} in {cls.scale}"


class Kelvin(Temperature):
    scale = "K"


t = Temperature.from_fahrenheit(212)
print(t.degrees, type(t).__name__, Temperature.valid(-300), t.valid(0))
k = Kelvin.from_fahrenheit(32)
print(type(k).__name__, k.degrees, Kelvin.describe(), k.describe(), Temperature.describe())
