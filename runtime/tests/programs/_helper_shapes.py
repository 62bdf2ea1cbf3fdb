# Helper module imported by module_import_local.py and module_from_import.py (not a test program).
PI_ISH = 3.14
loaded_count = 0
loaded_count += 1


class Square:
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side * self.side


def total_area(shapes):
    return sum(s.area() for s in shapes)


if __name__ == "__main__":
    print("helper run as a script")
