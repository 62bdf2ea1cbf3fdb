# A class-based context manager collecting a log, with nested use.
class Section:
    depth = 0
    log = []

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        Section.log.append("  " * Section.depth + "begin " + self.name)
        Section.depth += 1
        return self

    def __exit__(self, *exc):
        Section.depth -= 1
        Section.log.append("  " * Section.depth + "end " + self.name)
        return False


with Section("outer"):
    with Section("a"):
        pass
    with Section("b") as b:
        with Section(b.name + ".inner"):
            pass
print("\n".join(Section.log))
