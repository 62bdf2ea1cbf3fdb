# raytrace: a small ray tracer over vectors with operator dunders (+, -, *,
# unary -, reflected *), spheres and a checkered plane, diffuse and specular
# lighting, shadows and reflections. Prints a checksum of the rendered pixels.
# Size of the run (tuned for about 1.3 s on /usr/bin/python3.11); lower it for quick runs.
SIZE = 400

import math


class Vec:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)

    def __sub__(self, o):
        return Vec(self.x - o.x, self.y - o.y, self.z - o.z)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    __rmul__ = __mul__

    def __neg__(self):
        return Vec(-self.x, -self.y, -self.z)

    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

    def cross(self, o):
        return Vec(self.y * o.z - self.z * o.y, self.z * o.x - self.x * o.z, self.x * o.y - self.y * o.x)

    def length(self):
        return math.sqrt(self.dot(self))

    def normalized(self):
        return self * (1.0 / self.length())

    def reflect(self, normal):
        return self - normal * (2 * self.dot(normal))


class Color(Vec):
    __slots__ = ()

    def __add__(self, o):
        return Color(self.x + o.x, self.y + o.y, self.z + o.z)

    def __mul__(self, k):
        if isinstance(k, Color):
            return Color(self.x * k.x, self.y * k.y, self.z * k.z)
        return Color(self.x * k, self.y * k, self.z * k)

    __rmul__ = __mul__


BLACK = Color(0.0, 0.0, 0.0)


class Ray:
    __slots__ = ("origin", "direction")

    def __init__(self, origin, direction):
        self.origin = origin
        self.direction = direction.normalized()

    def at(self, t):
        return self.origin + self.direction * t


class Thing:
    def __init__(self, color, reflectivity):
        self.color = color
        self.reflectivity = reflectivity

    def color_at(self, point):
        return self.color


class Sphere(Thing):
    def __init__(self, center, radius, color, reflectivity=0.3):
        super().__init__(color, reflectivity)
        self.center = center
        self.radius = radius

    def intersect(self, ray):
        oc = ray.origin - self.center
        b = oc.dot(ray.direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0:
            return None
        root = math.sqrt(disc)
        t = -b - root
        if t > 1e-6:
            return t
        t = -b + root
        return t if t > 1e-6 else None

    def normal_at(self, point):
        return (point - self.center).normalized()


class Plane(Thing):
    def __init__(self, point, normal, color, reflectivity=0.2):
        super().__init__(color, reflectivity)
        self.point = point
        self.normal = normal.normalized()

    def intersect(self, ray):
        denom = ray.direction.dot(self.normal)
        if abs(denom) < 1e-9:
            return None
        t = (self.point - ray.origin).dot(self.normal) / denom
        return t if t > 1e-6 else None

    def normal_at(self, point):
        return self.normal

    def color_at(self, point):
        if (math.floor(point.x) + math.floor(point.z)) % 2 == 0:
            return self.color
        return self.color * 0.3


class Light:
    def __init__(self, position, color):
        self.position = position
        self.color = color


class Scene:
    def __init__(self):
        self.things = [
            Sphere(Vec(0.0, 1.0, 5.0), 1.0, Color(0.9, 0.2, 0.2)),
            Sphere(Vec(-2.2, 0.7, 6.0), 0.7, Color(0.2, 0.9, 0.3)),
            Sphere(Vec(2.0, 0.5, 4.0), 0.5, Color(0.3, 0.4, 0.95), 0.6),
            Plane(Vec(0.0, 0.0, 0.0), Vec(0.0, 1.0, 0.0), Color(0.9, 0.9, 0.9)),
        ]
        self.lights = [Light(Vec(-4.0, 6.0, 0.0), Color(0.8, 0.8, 0.8)),
                       Light(Vec(3.0, 4.0, 2.0), Color(0.4, 0.35, 0.3))]
        self.ambient = Color(0.08, 0.08, 0.1)

    def nearest(self, ray):
        best_t = None
        best = None
        for thing in self.things:
            t = thing.intersect(ray)
            if t is not None and (best_t is None or t < best_t):
                best_t, best = t, thing
        return best, best_t

    def shadowed(self, point, light):
        to_light = light.position - point
        distance = to_light.length()
        thing, t = self.nearest(Ray(point, to_light))
        return thing is not None and t < distance

    def trace(self, ray, depth):
        thing, t = self.nearest(ray)
        if thing is None:
            return BLACK
        point = ray.at(t)
        normal = thing.normal_at(point)
        base = thing.color_at(point)
        color = base * self.ambient
        for light in self.lights:
            if self.shadowed(point, light):
                continue
            to_light = (light.position - point).normalized()
            diffuse = normal.dot(to_light)
            if diffuse > 0:
                color = color + base * light.color * diffuse
            half = (to_light - ray.direction).normalized()
            spec = normal.dot(half)
            if spec > 0:
                color = color + light.color * (spec ** 40)
        if depth > 0 and thing.reflectivity > 0:
            reflected = Ray(point, ray.direction.reflect(normal))
            color = color + self.trace(reflected, depth - 1) * thing.reflectivity
        return color


def render(width, height):
    scene = Scene()
    eye = Vec(0.0, 1.5, -1.0)
    forward = (Vec(0.0, 1.0, 5.0) - eye).normalized()
    right = Vec(0.0, 1.0, 0.0).cross(forward).normalized()
    up = forward.cross(right)
    checksum = 0
    histogram = [0] * 8
    for j in range(height):
        for i in range(width):
            u = (i + 0.5) / width * 2 - 1
            v = 1 - (j + 0.5) / height * 2
            direction = forward + right * (u * width / height * 0.6) + up * (v * 0.6)
            c = scene.trace(Ray(eye, direction), 3)
            r = min(255, int(c.x * 255))
            g = min(255, int(c.y * 255))
            b = min(255, int(c.z * 255))
            checksum = (checksum * 31 + r * 65536 + g * 256 + b) % 1000000007
            histogram[(r + g + b) * 8 // 766] += 1
    return checksum, histogram


size = SIZE
checksum, histogram = render(size, size * 3 // 4)
print("pixels:", size * (size * 3 // 4))
print("checksum:", checksum)
print("brightness histogram:", histogram)
