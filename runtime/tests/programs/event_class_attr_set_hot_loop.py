# Event "class attribute set": a class attribute read in a hot loop is rebound mid-loop.
class Config:
    factor = 1


def run():
    total = 0
    for i in range(30000):
        total += Config.factor
        if i == 10000:
            Config.factor = 2
        if i == 20000:
            Config.factor = 3
    return total


print(run())
Config.factor = 1
print(run())
