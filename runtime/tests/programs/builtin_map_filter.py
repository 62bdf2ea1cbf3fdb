# map and filter are lazy iterators.
print(list(map(str, [1, 2, 3])), list(map(lambda a, b: a * b, [1, 2, 3], [4, 5])))
print(list(filter(None, [0, 1, "", "a", None, [], [0]])), list(filter(str.isdigit, "a1b2c3")))
m = map(abs, [-1, -2])
print(next(m), list(m), list(m))
print(sum(map(int, "12345")), list(map(len, ["a", "bb"])))
print(list(filter(lambda v: v > 2, map(lambda v: v * v, range(4)))))
