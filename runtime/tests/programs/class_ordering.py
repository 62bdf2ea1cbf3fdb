# Rich comparisons drive sorting, min/max and reflected comparisons.
class Version:
    def __init__(self, text):
        self.parts = tuple(int(p) for p in text.split("."))
        self.text = text

    def __lt__(self, other):
        return self.parts < other.parts

    def __eq__(self, other):
        return self.parts == other.parts

    def __repr__(self):
        return self.text


vs = [Version(t) for t in ["1.10", "1.2", "1.2.1", "0.9", "1.2"]]
print(sorted(vs), min(vs), max(vs))
print(Version("2.0") > Version("1.9"), Version("1.0") == Version("1.0"), Version("1.0") != Version("1.1"))
try:
    Version("1.0") <= Version("1.1")
except TypeError as exc:
    print("TypeError:", exc)
