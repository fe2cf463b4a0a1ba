"""A Richards-like task scheduler: prioritised tasks that exchange packets
through queues, block, wait and get released, as an operating-system kernel
simulation does. Written for Warden; not derived from the Richards benchmark.

    python scheduler.py [ROUNDS]

Prints "scheduler <checksum>" and exits 1 if a self-check fails.
"""
import sys
import time

READY, WAITING, HELD = 0, 1, 2
IDLE, PRODUCER, CRUNCHER, DRIVER_A, DRIVER_B = range(5)


class Packet:
    __slots__ = ("link", "owner", "kind", "payload")

    def __init__(self, owner, kind):
        self.link = None
        self.owner = owner
        self.kind = kind
        self.payload = [0, 0, 0, 0]


class Task:
    __slots__ = ("ident", "priority", "state", "inbox", "step", "handled", "next_ready")

    def __init__(self, ident, priority):
        self.ident = ident
        self.priority = priority
        self.state = READY
        self.inbox = None
        self.step = self.handled = 0
        self.next_ready = None

    def enqueue(self, packet):
        packet.link = None
        if self.inbox is None:
            self.inbox = packet
        else:
            tail = self.inbox
            while tail.link is not None:
                tail = tail.link
            tail.link = packet

    def dequeue(self):
        packet = self.inbox
        if packet is not None:
            self.inbox = packet.link
            packet.link = None
        return packet


class Kernel:
    def __init__(self, budget):
        self.tasks = [Task(IDLE, 0), Task(PRODUCER, 10), Task(CRUNCHER, 20),
                      Task(DRIVER_A, 40), Task(DRIVER_B, 41)]
        self.budget = budget        # how many times the idle task may run
        self.switches = 0
        self.sends = 0
        self.holds = 0
        self.seed = 12345

    def next_random(self):
        self.seed = (self.seed * 1103515245 + 12345) & 0x7FFFFFFF
        return self.seed

    def send(self, packet, target):
        self.sends += 1
        packet.owner = target
        task = self.tasks[target]
        task.enqueue(packet)
        if task.state == WAITING:
            task.state = READY

    def pick(self):
        best = None
        for task in self.tasks:
            if task.state == READY and (best is None or task.priority > best.priority):
                best = task
        return best

    def run(self, packets):
        producer = self.tasks[PRODUCER]
        for packet in packets:
            producer.enqueue(packet)
        while True:
            task = self.pick()
            if task is None:
                return
            self.switches += 1
            if task.ident == IDLE:
                if not self.idle(task):
                    return
            elif task.ident == PRODUCER:
                self.produce(task)
            elif task.ident == CRUNCHER:
                self.crunch(task)
            else:
                self.drive(task)

    def idle(self, task):
        self.budget -= 1
        if self.budget < 0:
            return False
        # The idle task releases a held driver at pseudo-random.
        driver = self.tasks[DRIVER_A if self.next_random() & 1 else DRIVER_B]
        if driver.state == HELD:
            driver.state = READY if driver.inbox is not None else WAITING
        return True

    def produce(self, task):
        packet = task.dequeue()
        if packet is None:
            task.state = WAITING
            return
        task.step += 1
        packet.kind = task.step % 3
        for i in range(4):
            packet.payload[i] = (task.step * (i + 1)) & 0xFF
        self.send(packet, CRUNCHER)

    def crunch(self, task):
        packet = task.dequeue()
        if packet is None:
            task.state = WAITING
            return
        task.handled += 1
        payload = packet.payload
        total = 0
        for i in range(4):
            payload[i] = (payload[i] * 7 + packet.kind) % 251
            total += payload[i]
        self.send(packet, DRIVER_A if total & 1 else DRIVER_B)

    def drive(self, task):
        packet = task.dequeue()
        if packet is None:
            task.state = WAITING
            return
        task.handled += 1
        task.step = (task.step + sum(packet.payload)) & 0xFFFF
        self.send(packet, PRODUCER)
        if task.handled % 5 == 0:   # a device that needs a rest now and then
            task.state = HELD
            self.holds += 1


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
    start, start_cpu = time.perf_counter(), time.process_time()
    kernel = Kernel(rounds)
    packets = [Packet(PRODUCER, 0) for _ in range(6)]
    kernel.run(packets)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    # Self-checks: no packet is lost or duplicated, and the work adds up.
    found = []
    for task in kernel.tasks:
        packet = task.inbox
        while packet is not None:
            found.append(packet)
            packet = packet.link
    if sorted(map(id, found)) != sorted(map(id, packets)):
        sys.exit("scheduler: packets lost or duplicated")
    tasks = kernel.tasks
    produced = tasks[PRODUCER].step
    driven = tasks[DRIVER_A].handled + tasks[DRIVER_B].handled
    if not (produced >= tasks[CRUNCHER].handled >= driven > 0):
        sys.exit("scheduler: work counts out of order")
    if kernel.sends != produced + tasks[CRUNCHER].handled + driven:
        sys.exit("scheduler: a send was not accounted for")
    checksum = (kernel.switches * 1000003 + kernel.sends * 101 + kernel.holds
                + tasks[DRIVER_A].step * 7 + tasks[DRIVER_B].step) & 0xFFFFFFFF
    print(f"scheduler {checksum} kernel_s={elapsed:.4f} kernel_cpu_s={elapsed_cpu:.4f}")


main()
