# A span that continues on later lines is underlined to the end of its
# first line; attribute loads underline the attribute expression.
class Config:
    pass


def build(config):
    return sum([
        config.retries,
        config.timeout.seconds,
    ])


def main():
    config = Config()
    config.retries = 3
    config.timeout = None
    total = build(config) + 1
    return total


main()
