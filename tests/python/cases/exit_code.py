# test: exit = 7
# sys.exit(N) sets the exit status; output before it is flushed.
import atexit
import sys

atexit.register(lambda: print("atexit ran"))
print("exiting with 7")
sys.exit(7)
