# Single inheritance: overriding, extending, attribute lookup through the chain.
class Animal:
    sound = "..."
    legs = 4

    def __init__(self, name):
        self.name = name

    def speak(self):
        return f"{self.name} says {self.sound}"

    def describe(self):
        return f"{self.speak()} on {self.legs} legs"


class Dog(Animal):
    sound = "woof"


class Bird(Animal):
    sound = "tweet"
    legs = 2

    def speak(self):
        return Animal.speak(self).upper()


class Parrot(Bird):
    def __init__(self, name, word):
        Bird.__init__(self, name)
        self.word = word

    def speak(self):
        return super().speak() + " " + self.word


for a in [Animal("generic"), Dog("rex"), Bird("tweety"), Parrot("polly", "cracker")]:
    print(a.describe())
print(Parrot.__mro__ == (Parrot, Bird, Animal, object), Parrot.__bases__ == (Bird,))
print([c.__name__ for c in Parrot.__mro__])
