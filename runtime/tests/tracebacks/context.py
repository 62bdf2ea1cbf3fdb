def cleanup(items):
    items.pop()


def process(table, items):
    try:
        table.pop("missing")
    except KeyError:
        cleanup(items)


process({}, [])
