# Event "global set" on another module: the importer rebinds a module global used by the module's function.
import _helper_counter

total = 0
for i in range(3000):
    total += _helper_counter.scaled(1)
    if i == 1000:
        _helper_counter.SCALE = 10
    if i == 2000:
        _helper_counter.set_scale(100)
print(total, _helper_counter.SCALE)
