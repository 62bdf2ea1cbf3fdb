# Bare raise re-raises the exception being handled.
def handler(n):
    try:
        if n:
            raise LookupError(f"n={n}")
    except LookupError:
        print("logging and re-raising")
        raise


try:
    handler(1)
except LookupError as e:
    print("outer got", e)
try:
    raise
except RuntimeError as e:
    print("RuntimeError:", e)
err = None
try:
    raise ValueError("saved")
except ValueError as e:
    err = e
try:
    raise err
except ValueError as e:
    print("raised again:", e, e is err)
