# test: warden-only
# test: warden-options = --max-threads 4
# A thread bomb meets --max-threads: the fifth thread is refused with
# RuntimeError (pthread_create's EAGAIN), the sandbox lives, and the threads
# it has keep working.
import threading

release = threading.Event()
started = []
try:
    for i in range(1000):
        t = threading.Thread(target=release.wait)
        t.start()
        started.append(t)
except RuntimeError as e:
    print("refused after", len(started), "threads:", e)
release.set()
for t in started:
    t.join()
# The slots are free again once the threads have ended.
t = threading.Thread(target=print, args=("a thread after the bomb",))
t.start()
t.join()
print("alive, threads now", threading.active_count())
