# Closures with nonlocal state; independent instances.
def make_counter(start=0):
    count = start

    def step(by=1):
        nonlocal count
        count += by
        return count

    return step


a = make_counter()
b = make_counter(100)
print(a(), a(), a(5), b(), a())
print(a.__closure__ is not None, len(a.__closure__), a.__code__.co_freevars)
