# test: warden-only
# test: exit = 7
# os._exit in a thread ends the whole sandbox with that status, while the
# main thread is still waiting; output written before it is kept.
import os
import threading
import time

def leave():
    print("thread leaving", flush=True)
    os._exit(7)

threading.Thread(target=leave).start()
time.sleep(30)
print("not reached")
