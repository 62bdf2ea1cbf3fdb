class ConfigError(Exception):
    pass


def parse(text):
    int(text)


def load(text):
    try:
        parse(text)
    except ValueError as e:
        raise ConfigError("bad config") from e


load("x")
