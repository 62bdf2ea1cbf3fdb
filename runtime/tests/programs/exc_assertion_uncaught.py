# Uncaught AssertionError with a message.
def check(values):
    for v in values:
        assert v >= 0, f"negative value {v}"
    return "all good"


print(check([1, 2]))
print(check([3, -4]))
