# `and`/`or` return one of their operands and stop evaluating early.
log = []


def t(name, value):
    log.append(name)
    return value


print(t("a", 0) and t("b", 1), log)
log.clear()
print(t("a", 2) and t("b", 3), log)
log.clear()
print(t("a", 0) or t("b", ""), log)
log.clear()
print(t("a", "x") or t("b", 1), log)
log.clear()
print(None or [] or {} or "last")
print(1 and 2 and 3, 1 and 0 and 3)
print(not (1 and 0), (not 1) or 5)
print([] or None, 0 and None)
