# A traceback underlines the failing part of each line (PEP 657): a binary
# operation marks its operator with ^ and its operands with ~.
def ratio(total, parts):
    share = total / parts
    return share


def report(values):
    return [ratio(v, v - 3) for v in values]


report([5, 4, 3])
