# Text handling: split, upper, find, replace, strip and join on short lines.
def main():
    line = "  The quick brown fox jumps over the lazy dog  "
    total = 0
    for i in range(900000):
        words = line.strip().split()
        word = words[i % 9].upper()
        total += len(word) + line.find("lazy") + len(line.replace("o", "0"))
        total += len("-".join(words[:3]))
    print(total)


main()
