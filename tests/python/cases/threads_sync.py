# test: warden-only
# (node:wasi has no threads: python/node-run.mjs answers thread-spawn with EAGAIN)
# threading, _thread, queue, concurrent.futures on real guest threads: the
# synchronisation objects with and without timeouts, thread-local data,
# excepthook, time.sleep in threads. The output is what native python3.11 prints.
import _thread
import concurrent.futures
import queue
import threading
import time

# Start and join; threads alive at once have their own identities.
results = {}
all_started = threading.Barrier(8)
def work(n):
    all_started.wait()
    results[n] = (sum(range(n * 1000)), threading.get_ident())
threads = [threading.Thread(target=work, args=(n,), name=f"w{n}") for n in range(1, 9)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("sums", [results[n][0] for n in range(1, 9)])
idents = {results[n][1] for n in range(1, 9)}
print("distinct idents", len(idents), threading.get_ident() not in idents)
print("names", [t.name for t in threads], [t.is_alive() for t in threads][:2])
print("main", threading.current_thread() is threading.main_thread(), threading.active_count())

# A counter under a Lock (8 threads x 5000), then an RLock taken twice.
lock = threading.Lock()
count = 0
def add():
    global count
    for _ in range(5000):
        with lock:
            count += 1
threads = [threading.Thread(target=add) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print("locked count", count)
rlock = threading.RLock()
with rlock:
    with rlock:
        print("rlock reentered", rlock._is_owned())
print("lock timeout", lock.acquire(), lock.acquire(timeout=0.05), lock.locked())
lock.release()

# Producer and consumers on a bounded queue.
q = queue.Queue(maxsize=4)
out = []
out_lock = threading.Lock()
def consume():
    while (item := q.get()) is not None:
        with out_lock:
            out.append(item * item)
        q.task_done()
    q.task_done()
consumers = [threading.Thread(target=consume) for _ in range(3)]
[c.start() for c in consumers]
for i in range(100):
    q.put(i)
for _ in consumers:
    q.put(None)
q.join()
[c.join() for c in consumers]
print("queue", len(out), sum(out))
try:
    queue.Queue().get(timeout=0.05)
except queue.Empty:
    print("queue.Empty after timeout")

# ThreadPoolExecutor: map, submit, an exception carried to the caller.
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    print("pool map", list(pool.map(lambda x: x * 3, range(10))))
    futures = [pool.submit(pow, 2, k) for k in range(12)]
    print("pool submit", sum(f.result() for f in concurrent.futures.as_completed(futures)))
    bad = pool.submit(lambda: 1 / 0)
    try:
        bad.result()
    except ZeroDivisionError as e:
        print("pool exception", type(e).__name__)

# Thread-local data.
local = threading.local()
local.value = "main"
seen = []
def set_local(v):
    local.value = v
    time.sleep(0.01)
    seen.append(local.value == v)
ts = [threading.Thread(target=set_local, args=(i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("local", seen, local.value)

# Event, Condition, Barrier, Semaphore; timeouts that expire.
event = threading.Event()
start = time.monotonic()
print("event timeout", event.wait(0.1), time.monotonic() - start >= 0.09)
threading.Timer(0.02, event.set).start()
print("event set by a Timer", event.wait(5))
cond = threading.Condition()
items = []
def produce():
    for i in range(5):
        time.sleep(0.005)
        with cond:
            items.append(i)
            cond.notify()
threading.Thread(target=produce).start()
with cond:
    print("condition wait_for", cond.wait_for(lambda: len(items) == 5, timeout=5))
    print("condition timeout", cond.wait(timeout=0.02))
barrier = threading.Barrier(4)
order = []
def at_barrier(i):
    index = barrier.wait()
    with out_lock:
        order.append(index)
ts = [threading.Thread(target=at_barrier, args=(i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("barrier indices", sorted(order))
sem = threading.BoundedSemaphore(2)
inside = 0
peak = 0
def limited():
    global inside, peak
    with sem:
        with out_lock:
            inside += 1
            peak = max(peak, inside)
        time.sleep(0.01)
        with out_lock:
            inside -= 1
ts = [threading.Thread(target=limited) for _ in range(6)]
[t.start() for t in ts]
[t.join() for t in ts]
print("semaphore peak", peak)
sem.acquire(); sem.acquire()
print("semaphore timeout", sem.acquire(timeout=0.02))
sem.release(); sem.release()
try:
    sem.release()
except ValueError:
    print("bounded semaphore refuses an extra release")

# An exception in a thread goes to threading.excepthook; the thread ends.
caught = []
threading.excepthook = lambda args: caught.append((args.exc_type.__name__, str(args.exc_value), args.thread.name))
t = threading.Thread(target=lambda: int("x"), name="failing")
t.start()
t.join()
print("excepthook", caught)
threading.excepthook = threading.__excepthook__

# _thread directly, and sleeps that overlap (they do not serialise).
done = _thread.allocate_lock()
done.acquire()
_thread.start_new_thread(lambda: done.release(), ())
print("_thread", done.acquire(timeout=5))
start = time.monotonic()
ts = [threading.Thread(target=time.sleep, args=(0.2,)) for _ in range(5)]
[t.start() for t in ts]
[t.join() for t in ts]
print("5 sleeps of 0.2 s overlap", time.monotonic() - start < 0.8)
print("active at the end", threading.active_count())
