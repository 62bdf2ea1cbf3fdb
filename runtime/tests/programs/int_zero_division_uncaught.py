# An uncaught ZeroDivisionError ends the program with a traceback and exit code 1.
def divide(a, b):
    return a // b


print(divide(10, 3))
print("before")
divide(1, 0)
print("not reached")
