# for loops with else clauses.
for i in range(3):
    pass
else:
    print("loop done, i =", i)
for word in ["apple", "kiwi", "banana"]:
    if len(word) == 4:
        print("found", word)
        break
else:
    print("none")
for x in []:
    print("body")
else:
    print("empty else")
primes = []
for n in range(2, 30):
    for p in primes:
        if n % p == 0:
            break
    else:
        primes.append(n)
print(primes)
