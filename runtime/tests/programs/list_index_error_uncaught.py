# Uncaught IndexError from a list read.
values = [1, 2, 3]
print(values[2])
print(values[3])
