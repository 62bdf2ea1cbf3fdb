# scheduler (richards-like): an operating-system style task scheduler. Tasks of
# four classes (idle, worker, handler, device) with priorities pass packets
# through per-task queues; the scheduler always runs the highest-priority task
# that is ready. Prints counters that depend on every scheduling decision.
# Size of the run (tuned for about 1.3 s on /usr/bin/python3.11); lower it for quick runs.
ROUNDS = 450

# Packet kinds.
DEVICE_PACKET = 0
WORK_PACKET = 1

# Task identities.
IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = range(6)
DATA_SIZE = 4


class Packet:
    def __init__(self, next_packet, owner, kind):
        self.next = next_packet
        self.owner = owner
        self.kind = kind
        self.value = 0
        self.data = [0] * DATA_SIZE

    def append_to(self, queue_head):
        # Returns the new head of the queue with self added at its end.
        self.next = None
        if queue_head is None:
            return self
        tail = queue_head
        while tail.next is not None:
            tail = tail.next
        tail.next = self
        return queue_head


class Task:
    def __init__(self, scheduler, ident, priority, queue):
        self.scheduler = scheduler
        self.ident = ident
        self.priority = priority
        self.queue = queue
        self.held = False
        # A task without packets to start with waits for one (the idle task never does).
        self.waiting = queue is None and ident != IDLE
        scheduler.add(self)

    def runnable(self):
        return not self.held and (not self.waiting or self.queue is not None)

    def receive(self, packet):
        # A packet arrives for this task; returns the task that should run next.
        self.queue = packet.append_to(self.queue)
        current = self.scheduler.current
        if self.priority > current.priority and self.runnable():
            return self
        return current

    def step(self):
        # Runs one time slice with the next queued packet, if any; returns the task to run next.
        packet = self.queue
        if packet is not None:
            self.queue = packet.next
            packet.next = None
        self.waiting = False
        return self.run(packet)

    def run(self, packet):
        raise NotImplementedError


class IdleTask(Task):
    def __init__(self, scheduler, count):
        super().__init__(scheduler, IDLE, 0, None)
        self.seed = 1
        self.count = count

    def run(self, packet):
        self.count -= 1
        if self.count == 0:
            return self.scheduler.hold_current()
        # A linear feedback shift register picks which device to release.
        if self.seed & 1 == 0:
            self.seed >>= 1
            return self.scheduler.release(DEVICE_A)
        self.seed = (self.seed >> 1) ^ 0xD008
        return self.scheduler.release(DEVICE_B)


class WorkerTask(Task):
    def __init__(self, scheduler, queue):
        super().__init__(scheduler, WORKER, 1000, queue)
        self.destination = HANDLER_A
        self.letter = 0

    def run(self, packet):
        if packet is None:
            return self.scheduler.wait_current()
        self.destination = HANDLER_B if self.destination == HANDLER_A else HANDLER_A
        packet.owner = self.destination
        packet.value = 0
        for i in range(DATA_SIZE):
            self.letter = self.letter + 1 if self.letter < 26 else 1
            packet.data[i] = self.letter
        return self.scheduler.send(packet)


class HandlerTask(Task):
    def __init__(self, scheduler, ident, priority, queue):
        super().__init__(scheduler, ident, priority, queue)
        self.work = None
        self.devices = None

    def run(self, packet):
        if packet is not None:
            if packet.kind == WORK_PACKET:
                self.work = packet.append_to(self.work)
            else:
                self.devices = packet.append_to(self.devices)
        if self.work is not None:
            work = self.work
            index = work.value
            if index >= DATA_SIZE:
                self.work = work.next
                return self.scheduler.send(work)
            if self.devices is not None:
                device = self.devices
                self.devices = device.next
                device.value = work.data[index]
                work.value = index + 1
                return self.scheduler.send(device)
        return self.scheduler.wait_current()


class DeviceTask(Task):
    def __init__(self, scheduler, ident, priority):
        super().__init__(scheduler, ident, priority, None)
        self.pending = None

    def run(self, packet):
        if packet is None:
            if self.pending is None:
                return self.scheduler.wait_current()
            done = self.pending
            self.pending = None
            return self.scheduler.send(done)
        self.pending = packet
        self.scheduler.output(packet.value)
        return self.scheduler.hold_current()


class Scheduler:
    def __init__(self):
        self.tasks = {}
        self.by_priority = []
        self.current = None
        self.queue_count = 0
        self.hold_count = 0
        self.output_sum = 0

    def add(self, task):
        self.tasks[task.ident] = task
        self.by_priority.append(task)
        self.by_priority.sort(key=lambda t: -t.priority)

    def output(self, value):
        self.output_sum = (self.output_sum * 31 + value) % 1000000007

    def hold_current(self):
        self.hold_count += 1
        self.current.held = True
        return self.next_ready()

    def wait_current(self):
        self.current.waiting = True
        return self.next_ready()

    def release(self, ident):
        task = self.tasks[ident]
        task.held = False
        if task.priority > self.current.priority and task.runnable():
            return task
        return self.current

    def send(self, packet):
        target = self.tasks[packet.owner]
        self.queue_count += 1
        packet.owner = self.current.ident
        return target.receive(packet)

    def next_ready(self):
        for task in self.by_priority:
            if task.runnable():
                return task
        return None

    def schedule(self):
        task = self.next_ready()
        while task is not None:
            self.current = task
            task = task.step()
            if task is None or not task.runnable():
                task = self.next_ready()


def run_once(idle_count):
    s = Scheduler()
    IdleTask(s, idle_count)
    work = Packet(None, WORKER, WORK_PACKET)
    work = Packet(work, WORKER, WORK_PACKET)
    WorkerTask(s, work)
    queue = None
    for _ in range(3):
        queue = Packet(queue, DEVICE_A, DEVICE_PACKET)
    HandlerTask(s, HANDLER_A, 2000, queue)
    queue = None
    for _ in range(3):
        queue = Packet(queue, DEVICE_B, DEVICE_PACKET)
    HandlerTask(s, HANDLER_B, 3000, queue)
    DeviceTask(s, DEVICE_A, 4000)
    DeviceTask(s, DEVICE_B, 5000)
    s.schedule()
    return s.queue_count, s.hold_count, s.output_sum


def main(rounds):
    totals = [0, 0, 0]
    for r in range(rounds):
        q, h, o = run_once(1000 + r % 97)
        totals[0] += q
        totals[1] += h
        totals[2] = (totals[2] * 7 + o) % 1000000007
    print("queue operations:", totals[0])
    print("holds:", totals[1])
    print("output checksum:", totals[2])


main(ROUNDS)
