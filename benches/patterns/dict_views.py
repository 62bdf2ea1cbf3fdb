# Iterating dicts: items(), keys() and values() of a dict of a thousand
# entries, with sum() over a view.
def main():
    d = {"k%d" % i: i for i in range(1000)}
    total = 0
    for _ in range(8000):
        for k, v in d.items():
            total += v
        for k in d.keys():
            total += 1
        total += sum(d.values())
    print(total)


main()
