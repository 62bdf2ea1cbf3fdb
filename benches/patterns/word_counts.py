# Counting words in a dict with get(), then the most frequent ones.
def main():
    words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu " * 20).split()
    counts = {}
    for _ in range(36000):
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    print(len(counts), top)


main()
