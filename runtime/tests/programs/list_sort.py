# sort and sorted: stability, keys, reverse.
records = [("bob", 3), ("amy", 1), ("cat", 3), ("dan", 2), ("eve", 1)]
print(sorted(records, key=lambda r: r[1]))
print(sorted(records, key=lambda r: r[1], reverse=True))
print(sorted(records))
nums = [5, -3, 2, -8, 0, 7]
nums.sort(key=abs)
print(nums)
nums.sort(reverse=True)
print(nums)
words = ["bb", "a", "ccc", "dd"]
words.sort(key=len)
print(words)
print(sorted([2.5, 1, 3, 0.5]), sorted("hello"), sorted({3: 1, 1: 2}))
try:
    sorted([1, "a"])
except TypeError as exc:
    print("TypeError:", exc)
import random
random.seed(5)
big = [random.randint(0, 1000) for _ in range(500)]
s = sorted(big)
print(all(s[i] <= s[i + 1] for i in range(len(s) - 1)), s[:5], s[-5:])
