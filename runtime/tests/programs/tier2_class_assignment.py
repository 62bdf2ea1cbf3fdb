# Tier 2, event "object's class set" (global, threshold 1): hot loops that
# call methods and read class attributes through an instance see
# `obj.__class__ = C` at once, in their own thread and in another one, also
# after the event's threshold.
from _tier2_spin import Spinner


class Cat:
    legs = 4

    def sound(self):
        return 1


class Bird:
    legs = 2

    def sound(self):
        return 10


class Fish:
    legs = 0

    def sound(self):
        return 100


# (a) The object changes class inside the loop that calls its method.
def sounds(n, change_at):
    pet = Cat()
    total = 0
    for i in range(n):
        total += pet.sound() + pet.legs
        if i == change_at:
            pet.__class__ = Bird
    return total, type(pet).__name__


print("a", sounds(5000, 2000))


# An object of another class takes the first one's place in a list the
# loop walks: the same instruction sees both classes.
def mixed(n, change_at):
    pets = [Cat(), Cat()]
    total = 0
    for i in range(n):
        for p in pets:
            total += p.sound()
        if i == change_at:
            pets[1].__class__ = Fish
    return total


print("a list", mixed(3000, 1500))


# (b) Another thread spins while its object's class says so.
class Running:
    def going(self):
        return True


class Stopped:
    def going(self):
        return False


worker = Running()


def spin_on_method(s):
    n = 0
    while worker.going():
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_method)
spinner.wait_hot()
worker.__class__ = Stopped
print("b method", spinner.join(), type(worker).__name__)


class On:
    on = True


class Off:
    on = False


switch = On()


def spin_on_class_attr(s):
    n = 0
    while switch.on:
        n += 1
        if n % 1024 == 0 and s.hot():
            return "stuck"
    return "stopped"


spinner = Spinner(spin_on_class_attr)
spinner.wait_hot()
switch.__class__ = Off
print("b attr", spinner.join())


# (c) Past the threshold: the class changes every 100 iterations and the
# loop sees every change.
def flipping(n):
    pet = Cat()
    kinds = [Cat, Bird, Fish]
    total = 0
    for i in range(n):
        total += pet.sound() * 1000 + pet.legs
        if i % 100 == 99:
            pet.__class__ = kinds[(i // 100) % 3]
    return total


print("c", flipping(6000), flipping(6000))
switch.__class__ = On
spinner = Spinner(spin_on_class_attr)
spinner.wait_hot()
switch.__class__ = Off
print("c spin", spinner.join())
