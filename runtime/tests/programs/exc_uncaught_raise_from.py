# Uncaught chained exception.
def load():
    try:
        return {}["config"]
    except KeyError as e:
        raise RuntimeError("configuration missing") from e


print("loading")
load()
