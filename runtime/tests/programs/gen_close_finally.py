# close() raises GeneratorExit at the paused yield so finally blocks run.
def resource():
    print("open")
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")


g = resource()
print(next(g))
g.close()
print("closed")
g.close()
for v in resource():
    print("value", v)


def stubborn():
    try:
        yield 1
    except GeneratorExit:
        print("got GeneratorExit")
        raise


s = stubborn()
next(s)
s.close()
