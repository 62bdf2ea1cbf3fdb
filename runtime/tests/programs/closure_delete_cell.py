# A closure variable deleted through nonlocal: a read and a second
# deletion raise NameError; a store binds it again.
def outer():
    x = 1
    def get():
        return x
    def dele():
        nonlocal x
        del x
    print(get())
    dele()
    try:
        get()
    except NameError as e:
        print("NameError:", e)
    try:
        dele()
    except NameError as e:
        print("NameError:", e)
    x = 5
    print(get())
outer()
