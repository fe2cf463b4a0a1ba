# test: warden-only
# test: warden-options = --timeout 20s
# A daemon thread spinning for ever does not keep the sandbox alive: when the
# main thread ends, the sandbox ends (status 0), the spinner with it.
import threading
import time

def spin():
    while True:
        pass

threading.Thread(target=spin, daemon=True).start()
time.sleep(0.05)
print("main done")
