def check(limit):
    if limit < 0:
        raise ValueError("negative limit") from TypeError("limits are counts")


try:
    check(-1)
except ValueError as e:
    print("cause:", repr(e.__cause__))
    print("context:", repr(e.__context__))
    raise
