# Float division by zero is uncaught here: exit code 1.
values = [1.0, 2.0, 0.0]
for v in values:
    print(10.0 / (v - 0.0) if v else 10.0 / v)
