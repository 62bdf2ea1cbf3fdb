# Helper module for event_module_attr_set_from_importer.py and tier2_global_set.py (not a test program).
SCALE = 1


def scaled(v):
    return v * SCALE


def set_scale(s):
    global SCALE
    SCALE = s
