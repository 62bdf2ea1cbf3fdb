# Two closures sharing one cell see each other's writes.
def bank(balance):
    def deposit(v):
        nonlocal balance
        balance += v
        return balance

    def withdraw(v):
        nonlocal balance
        if v > balance:
            raise ValueError("insufficient funds")
        balance -= v
        return balance

    def peek():
        return balance

    return deposit, withdraw, peek


dep, wd, peek = bank(10)
print(dep(5), wd(3), peek())
try:
    wd(100)
except ValueError as exc:
    print("ValueError:", exc)
print(peek())


def cell_in_loop():
    acc = []
    for i in range(3):
        def add(v, i=i):
            acc.append(v * i)
        add(10)
    return acc


print(cell_in_loop())
