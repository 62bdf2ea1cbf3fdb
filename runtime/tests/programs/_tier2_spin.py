# Helper of the tier2_* programs: a thread spinning in a hot loop until
# another thread fires an event that changes what the loop reads.
import threading
import time

# A spinner that has not seen the change after this long gives up, so a
# lost change shows as a wrong line instead of a hang.
TIME_LIMIT = 30.0


class Spinner:
    """Runs spin(self) on a new thread. The loop in spin calls self.hot()
    every so often (1024 iterations): the first call says the loop is hot,
    and hot() returns True once TIME_LIMIT has passed, when the loop should
    give up and return a value saying so."""

    def __init__(self, spin):
        self.ready = threading.Event()
        self.result = None
        self.deadline = time.monotonic() + TIME_LIMIT
        self.thread = threading.Thread(target=self.run, args=(spin,))
        self.thread.start()

    def run(self, spin):
        self.result = spin(self)

    def hot(self):
        self.ready.set()
        return time.monotonic() > self.deadline

    def wait_hot(self):
        self.ready.wait()

    def join(self):
        self.thread.join()
        return self.result
