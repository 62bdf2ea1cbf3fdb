# printf-style % formatting.
print("%d items" % 5)
print("%s and %s" % ("this", "that"))
print("%r %s" % ("q", "q"))
print("%5d|%-5d|%05d|%+d" % (42, 42, 42, 42))
print("%.2f %8.3f %-8.1f| %e %g %g" % (3.14159, 2.5, 1.25, 12345.678, 0.0001, 1e20))
print("%x %X %o %#x %c %%" % (255, 255, 8, 255, 65))
print("%(name)s is %(age)d" % {"name": "Ann", "age": 30})
print("%s" % [1, 2], "%s" % (None,), "%d%%" % 50)
try:
    print("%d %d" % (1,))
except TypeError as exc:
    print("TypeError:", exc)
