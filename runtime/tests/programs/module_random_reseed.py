# Reseeding restarts the sequence; different seeds give different sequences.
import random

random.seed(7)
first = [random.random() for _ in range(3)]
random.seed(7)
again = [random.random() for _ in range(3)]
random.seed(8)
other = [random.random() for _ in range(3)]
print(first == again, first == other, first, other)
random.seed("text seed")
print(random.randint(0, 10 ** 6))
random.seed(2 ** 80 + 5)
print(random.randint(0, 10 ** 6))
random.seed(0)
deck = [r + s for s in "SHDC" for r in "A23456789TJQK"]
random.shuffle(deck)
print(deck[:13])
counts = [0] * 6
for _ in range(6000):
    counts[random.randrange(6)] += 1
print(counts, sum(counts))
