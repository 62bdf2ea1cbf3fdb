class NotFound(Exception):
    pass


def lookup(table, key):
    try:
        return table[key]
    except KeyError:
        raise NotFound(key) from None


lookup({"a": 1}, "b")
