# getattr, setattr, hasattr, delattr.
class Obj:
    cls_attr = "c"


o = Obj()
setattr(o, "dyn", 5)
print(getattr(o, "dyn"), getattr(o, "cls_attr"), getattr(o, "missing", "default"), hasattr(o, "dyn"), hasattr(o, "x"))
delattr(o, "dyn")
print(hasattr(o, "dyn"))
try:
    getattr(o, "missing")
except AttributeError as e:
    print("AttributeError:", e)
try:
    delattr(o, "missing")
except AttributeError as e:
    print("AttributeError:", e)
for name in ["a", "b", "c"]:
    setattr(Obj, name, name * 2)
print(o.a, o.b, o.c, getattr(Obj, "c"))
print(getattr("text", "upper")(), getattr([], "append") is not None)
