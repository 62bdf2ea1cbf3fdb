# Setting an instance attribute that shadows a class attribute mid-loop, then deleting it.
class Item:
    price = 3


items = [Item() for _ in range(10)]
total = 0
for n in range(1000):
    for it in items:
        total += it.price
    if n == 300:
        items[0].price = 100
    if n == 600:
        del items[0].price
        Item.price = 4
print(total)
