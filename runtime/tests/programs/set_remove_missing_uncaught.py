# set.remove of a missing element raises KeyError (uncaught).
s = {1, 2, 3}
s.remove(2)
print(sorted(s))
s.remove(42)
