# Function objects: __name__, __qualname__, __doc__, __defaults__, custom attributes.
def documented(a, b=2, *, c=3):
    """Adds things."""
    return a + b + c


print(documented.__name__, documented.__qualname__, documented.__doc__)
print(documented.__defaults__, documented.__kwdefaults__, documented.__code__.co_name)
documented.tag = "custom"
print(documented.tag, callable(documented))


class K:
    def method(self):
        def inner():
            pass

        return inner


print(K.method.__qualname__, K().method().__qualname__)
print((lambda: 0).__name__)
