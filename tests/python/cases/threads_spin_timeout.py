# test: warden-only
# test: warden-options = --timeout 2s
# test: exit = 124
# Threads spinning for ever (and a main thread joining them) are all stopped
# by --timeout: the sandbox ends with the timeout's status.
import threading

def spin():
    n = 0
    while True:
        n += 1

threads = [threading.Thread(target=spin) for _ in range(3)]
for t in threads:
    t.start()
print("spinning", len(threads), flush=True)
for t in threads:
    t.join()
