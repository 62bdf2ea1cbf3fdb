# random with a fixed seed reproduces CPython's exact sequence.
import random

random.seed(12345)
print([random.random() for _ in range(5)])
print([random.randint(1, 6) for _ in range(20)])
print([random.randrange(100) for _ in range(10)], [random.randrange(10, 50, 5) for _ in range(5)])
print([random.uniform(-1.0, 1.0) for _ in range(3)])
items = list(range(10))
random.shuffle(items)
print(items)
print([random.choice("abcdefg") for _ in range(10)], random.choice([10, 20, 30]))
print(random.randrange(2 ** 70), random.randint(-10 ** 20, 10 ** 20))
