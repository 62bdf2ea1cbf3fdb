# current_thread, get_ident, names and active_count.
import threading

main = threading.current_thread()
print(main.name, main is threading.main_thread(), threading.active_count())
seen = {}


def record(key):
    seen[key] = (threading.current_thread().name, threading.get_ident() != main_ident)


main_ident = threading.get_ident()
t = threading.Thread(target=record, args=("a",), name="worker-a")
t.start()
t.join()
print(seen, threading.active_count(), t.name)
