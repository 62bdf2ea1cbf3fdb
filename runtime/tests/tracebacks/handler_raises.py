class Resource:
    def __init__(self):
        self.open = True

    def close(self):
        raise RuntimeError("close failed")


def use(resource):
    try:
        raise ValueError("work failed")
    except ValueError:
        resource.close()


use(Resource())
