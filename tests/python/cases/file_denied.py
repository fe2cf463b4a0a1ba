# test: warden-only
# test: data-dir
# Paths outside the preopens do not exist for the guest, and a read-only
# preopen (the standard library, the test directory) refuses writes.
import os

for path in ("/etc/passwd", "/root", "/data/../etc/passwd", "/proc/self/environ"):
    try:
        open(path).close()
        print(path, "OPENED")
    except OSError as err:
        print(path, "denied")
for path in ("/usr/local/lib/python3.11/evil.py", "/tests/evil.txt"):
    try:
        with open(path, "w") as f:
            f.write("x")
        print(path, "WRITTEN")
    except OSError as err:
        print(path, "denied")
try:
    os.symlink("/etc/passwd", "/data/link")
    open("/data/link").read()
    print("symlink escape OPENED")
except OSError as err:
    print("symlink escape denied")
print(sorted(os.listdir("/data")) in ([], ["link"]))
