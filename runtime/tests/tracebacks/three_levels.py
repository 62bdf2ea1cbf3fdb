def parse(text):
    int(text)


def read_config(text):
    try:
        parse(text)
    except ValueError as e:
        raise RuntimeError("config unreadable") from e


class LogError(Exception):
    pass


def close_log():
    raise LogError("log already closed")


def start(text):
    try:
        read_config(text)
    finally:
        close_log()


start("seven")
