# Uncaught user-defined exception: the last stderr line is "Name: message".
class BudgetExceeded(Exception):
    pass


spent = 0
for cost in [10, 20, 30, 40]:
    spent += cost
    print("spent", spent)
    if spent > 50:
        raise BudgetExceeded(f"spent {spent} of 50")
