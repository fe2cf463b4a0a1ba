# test: warden-only
# test: warden-options = --max-memory 96M
# One memory cap for all threads: what one thread holds counts against the
# others. A thread keeps 56 MB; then another thread and the main thread are
# each refused 56 MB more (MemoryError), and the sandbox goes on.
import threading

kept = []
outcome = {}

def take(name):
    try:
        kept.append(bytearray(56 * 1024 * 1024))
        outcome[name] = "got 56 MB"
    except MemoryError:
        outcome[name] = "MemoryError"

for name in ("first thread", "second thread"):
    t = threading.Thread(target=take, args=(name,))
    t.start()
    t.join()
    print(name, outcome[name])
take("main thread")
print("main thread", outcome["main thread"])
kept.clear()
take("main thread after release")
print("main thread after release", outcome["main thread after release"])
