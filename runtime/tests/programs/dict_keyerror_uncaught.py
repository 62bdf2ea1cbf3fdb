# Uncaught KeyError: the key's repr is the message.
config = {"host": "localhost", "port": 80}
print(config["host"])
print(config["user"])
