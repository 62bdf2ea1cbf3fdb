# Attribute access through properties (getter and setter), as classes
# that validate their fields do.
class Account:
    def __init__(self, balance):
        self._balance = balance

    @property
    def balance(self):
        return self._balance

    @balance.setter
    def balance(self, value):
        if value < 0:
            raise ValueError("negative balance")
        self._balance = value


def main():
    account = Account(10)
    total = 0
    for i in range(3000000):
        account.balance = account.balance + 1
        total += account.balance
    print(total)


main()
