# Deep Python recursion (15000 frames) with a raised recursion limit, and
# RecursionError past the limit.
import sys

sys.setrecursionlimit(20000)


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


print(depth(15000))


def forever(n):
    return forever(n + 1)


sys.setrecursionlimit(3000)
try:
    forever(0)
except RecursionError as err:
    print("RecursionError:", err)
print(depth(2000))
