# An import of a missing module is uncaught: ModuleNotFoundError.
print("importing")
import _definitely_missing_module_xyz
