# Exceptions raised and handled many times inside a hot loop.
ok = 0
errors = {}
for i in range(5000):
    try:
        if i % 7 == 0:
            raise ValueError(i)
        if i % 11 == 0:
            {}[i]
        ok += 100 // (i % 13)
    except ValueError:
        errors["value"] = errors.get("value", 0) + 1
    except KeyError:
        errors["key"] = errors.get("key", 0) + 1
    except ZeroDivisionError:
        errors["zero"] = errors.get("zero", 0) + 1
print(ok, sorted(errors.items()))
