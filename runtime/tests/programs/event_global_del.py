# Event "global set" by deletion: a global used in a loop is deleted, then recreated.
helper = 5


def read():
    return helper


total = 0
errors = 0
for i in range(3000):
    try:
        total += read()
    except NameError:
        errors += 1
    if i == 1000:
        del helper
    if i == 2000:
        helper = 7
print(total, errors)
