"""Thread overhead and parallelism in Python, one measurement per line
("name value unit"), the same program for native python3.11 and for
`warden python` (bench/threads/run_python.py runs both side by side).

    spawn_join_us      threading.Thread start + join, per thread
    lock_handoff_us    two threads passing a turn through two Locks, per round trip
    queue_pingpong_us  a request and its reply through two queue.Queues, per round trip
    pool_task_us       ThreadPoolExecutor(4): submit + result of a trivial task, per task
    hash_1thread_ms    blake2b of 8 buffers of 4 MiB on one thread
    hash_2threads_ms   the same 8 buffers split over two threads (blake2b lets go
                       of the GIL for large buffers, natively and in the WASI
                       build, whose sha256 does not: the ratio shows parallelism)
"""
import hashlib
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


def timed(fn, count):
    start = time.perf_counter()
    fn(count)
    return time.perf_counter() - start


def spawn_join(n):
    for _ in range(n):
        t = threading.Thread(target=int)
        t.start()
        t.join()


def lock_handoff(n):
    ping, pong = threading.Lock(), threading.Lock()
    ping.acquire()
    pong.acquire()

    def partner():
        for _ in range(n):
            ping.acquire()
            pong.release()

    t = threading.Thread(target=partner)
    t.start()
    for _ in range(n):
        ping.release()
        pong.acquire()
    t.join()


def queue_pingpong(n):
    requests, replies = queue.Queue(), queue.Queue()

    def server():
        while (item := requests.get()) is not None:
            replies.put(item + 1)

    t = threading.Thread(target=server)
    t.start()
    for i in range(n):
        requests.put(i)
        assert replies.get() == i + 1
    requests.put(None)
    t.join()


def pool_tasks(n):
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(n):
            pool.submit(int).result()


BUFFERS = [bytes([i]) * (4 << 20) for i in range(8)]


def hash_buffers(buffers):
    for b in buffers:
        hashlib.blake2b(b).digest()


def hash_threads(threads):
    share = len(BUFFERS) // threads
    workers = [threading.Thread(target=hash_buffers, args=(BUFFERS[i * share:(i + 1) * share],))
               for i in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def main():
    counts = {name: max(1, int(n * SCALE)) for name, n in
              (("spawn", 500), ("handoff", 5000), ("queue", 3000), ("pool", 2000))}
    print(f"spawn_join_us {timed(spawn_join, counts['spawn']) / counts['spawn'] * 1e6:.1f} us")
    print(f"lock_handoff_us {timed(lock_handoff, counts['handoff']) / counts['handoff'] * 1e6:.1f} us")
    print(f"queue_pingpong_us {timed(queue_pingpong, counts['queue']) / counts['queue'] * 1e6:.1f} us")
    print(f"pool_task_us {timed(pool_tasks, counts['pool']) / counts['pool'] * 1e6:.1f} us")
    print(f"hash_1thread_ms {hash_threads(1) * 1e3:.1f} ms")
    print(f"hash_2threads_ms {hash_threads(2) * 1e3:.1f} ms")


main()
