# Nested try statements and exceptions inside handlers.
def run(step):
    try:
        try:
            if step == 0:
                raise ValueError("v")
            if step == 1:
                raise TypeError("t")
            return "clean"
        except ValueError:
            if step == 0:
                raise KeyError("from handler")
    except KeyError as e:
        return f"outer caught {e!r} (context {e.__context__!r})"
    except TypeError as e:
        return f"outer caught {e!r}"


for step in range(3):
    print(run(step))
try:
    pass
except Exception:
    print("never")
else:
    print("no exception")
e_name = "unset"
try:
    raise ValueError("x")
except ValueError as e_name:
    pass
try:
    print(e_name)
except NameError as err:
    print("NameError:", err)
