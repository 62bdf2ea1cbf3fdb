# Uncaught RecursionError: exit code 1 and the standard message.
def forever(n):
    return forever(n + 1) + 1


print("recursing")
forever(0)
