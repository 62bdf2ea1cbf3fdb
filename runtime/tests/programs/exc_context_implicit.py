# Exceptions raised in handlers get __context__.
try:
    try:
        raise ValueError("first")
    except ValueError:
        raise TypeError("second")
except TypeError as e:
    print(e, repr(e.__context__), e.__cause__)
try:
    try:
        raise ValueError("a")
    finally:
        pass
except ValueError as e:
    print(e.__context__)
