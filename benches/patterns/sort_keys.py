# Sorting records by a key function: floats, ints and strs as keys, in both
# directions.
import random


def main():
    random.seed(5)
    records = [(random.random(), i, "name%05d" % random.randrange(100000)) for i in range(50000)]
    checksum = 0
    for _ in range(12):
        by_score = sorted(records, key=lambda r: r[0])
        by_index = sorted(records, key=lambda r: -r[1])
        by_name = sorted(records, key=lambda r: r[2], reverse=True)
        checksum += by_score[0][1] + by_index[0][1] + by_name[0][1]
    print(checksum)


main()
