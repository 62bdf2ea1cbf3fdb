# Importing a .py module that sits beside the script.
import _helper_shapes

print(_helper_shapes.__name__, _helper_shapes.PI_ISH)
sq = _helper_shapes.Square(3)
print(sq.area(), _helper_shapes.total_area([sq, _helper_shapes.Square(1)]))
print(_helper_shapes.loaded_count)
import _helper_shapes
print(_helper_shapes.loaded_count)
