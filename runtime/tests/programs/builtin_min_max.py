# min and max with iterables, multiple args, key and default.
print(min(3, 1, 2), max(3, 1, 2), min([5, 4]), max("hello"), min((2.5, 1)))
words = ["pear", "fig", "banana"]
print(min(words, key=len), max(words, key=len), max(words, key=lambda w: w[-1]))
print(min([], default="empty"), max([], default=None), max([1, 1], key=lambda v: 0))
print(max([(1, "b"), (1, "a"), (0, "z")]), min({"a": 3, "b": 1}))
try:
    max([])
except ValueError as e:
    print("ValueError:", e)
d = {"x": 3, "y": 9, "z": 1}
print(max(d, key=d.get), min(d.items(), key=lambda kv: kv[1]))
