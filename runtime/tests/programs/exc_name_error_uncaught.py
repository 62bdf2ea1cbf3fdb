# Uncaught NameError for an undefined global.
def compute():
    return defined_value + undefined_value


defined_value = 1
print("start")
compute()
