# property with getter, setter, deleter and validation.
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

    @balance.deleter
    def balance(self):
        print("deleting")
        self._balance = 0

    @property
    def readonly(self):
        return "fixed"


acc = Account(10)
acc.balance += 5
print(acc.balance)
try:
    acc.balance = -1
except ValueError as exc:
    print("ValueError:", exc)
del acc.balance
print(acc.balance)
try:
    acc.readonly = "x"
except AttributeError as exc:
    print("AttributeError:", exc)
print(type(Account.balance).__name__)
