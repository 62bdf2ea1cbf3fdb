# sum, abs and round.
print(sum([1, 2, 3]), sum([], 10), sum([[1], [2]], []), sum((0.1, 0.2)), sum(range(5), 100))
print(abs(-3), abs(3.5), abs(-0.0), abs(-(10 ** 25)), abs(True))
print(round(3.14159, 2), round(2.5), round(-0.5), round(1.005, 2), round(123.456, -1), round(15, -1), round(25, -1))
print(round(0.1 + 0.2, 10), round(1e20), round(-7.5), round(8.5), type(round(2.0)).__name__)
