# A subscript marks its brackets; a call is underlined whole, unless it is
# the whole line (then nothing is).
def lookup(table, key):
    return table["by_name"][key] + 1


def main():
    tables = {"by_name": {"ann": 1}}
    print(lookup(tables, "ann"))
    found = lookup(tables, "bob")
    return found


main()
