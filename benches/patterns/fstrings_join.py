# Building text: f-strings with format specs, collected in a list and
# joined.
def main():
    lines = []
    for i in range(800000):
        lines.append(f"{i:06d} {i * 0.5:.2f} {'even' if i % 2 == 0 else 'odd'}")
    text = "\n".join(lines)
    print(len(text), text.count("odd"))


main()
