# Custom exception hierarchies with extra attributes.
class AppError(Exception):
    pass


class NotFound(AppError):
    def __init__(self, key):
        super().__init__(f"missing {key!r}")
        self.key = key


class Invalid(AppError, ValueError):
    pass


for exc in [NotFound("k"), Invalid("bad"), AppError("plain")]:
    try:
        raise exc
    except NotFound as e:
        print("NotFound", e.key, e, e.args)
    except ValueError as e:
        print("ValueError branch", type(e).__name__, e)
    except AppError as e:
        print("AppError", e)
print([k.__name__ for k in Invalid.__mro__])
