# globals() and locals().
top_level = 42


def show(a, b=2):
    c = a + b
    return sorted(locals().items())


print(show(1))
g = globals()
print(g["top_level"], "show" in g, g["__name__"])
g["injected"] = "hello"
print(injected)
