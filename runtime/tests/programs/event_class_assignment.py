# Event "object's class set": obj.__class__ is reassigned mid-loop, changing method dispatch.
class Cat:
    def speak(self):
        return 1


class Dog:
    def speak(self):
        return 10


pet = Cat()
total = 0
for i in range(30000):
    total += pet.speak()
    if i == 10000:
        pet.__class__ = Dog
    if i == 20000:
        pet.__class__ = Cat
print(total, type(pet).__name__, isinstance(pet, Cat))
