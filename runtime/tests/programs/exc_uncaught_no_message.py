# An uncaught exception class with no message prints just its name.
class Stop(Exception):
    pass


print("about to stop")
raise Stop
