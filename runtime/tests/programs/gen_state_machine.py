# A generator-based tokenizer acting as a state machine.
def tokens(text):
    num = ""
    for ch in text:
        if ch.isdigit():
            num += ch
            continue
        if num:
            yield ("NUM", int(num))
            num = ""
        if ch in "+-*/()":
            yield ("OP", ch)
        elif ch != " ":
            yield ("ERR", ch)
    if num:
        yield ("NUM", int(num))


print(list(tokens("12 + 3*(45 - 6) ? 7")))


def interleave(*gens):
    gens = [iter(g) for g in gens]
    while gens:
        alive = []
        for g in gens:
            try:
                yield next(g)
                alive.append(g)
            except StopIteration:
                pass
        gens = alive


print(list(interleave("abc", [1, 2], range(10, 14))))
