# An exception in a thread is reported on stderr but does not stop the program (exit 0).
import threading


def fails():
    raise ValueError("thread failure")


t = threading.Thread(target=fails)
t.start()
t.join()
print("main continues", t.is_alive())
