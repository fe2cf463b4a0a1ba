# test: data-dir
# File I/O inside a writable preopen (/data): create, append, seek, list,
# rename, remove, pathlib, tempfile in a given dir, shutil.
import errno
import os
import pathlib
import shutil
import tempfile

base = pathlib.Path("/data")
(base / "sub" / "deep").mkdir(parents=True)
p = base / "sub" / "notes.txt"
p.write_text("first\n", encoding="utf-8")
with open(p, "a", encoding="utf-8") as f:
    f.write("second\n")
with open(p, "rb+") as f:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(1)
    f.write(b"I")
    f.seek(0)
    print(size, f.read())
os.rename(p, base / "sub" / "renamed.txt")
print(sorted(os.listdir(base / "sub")), os.path.exists(p))
print(sorted(str(x.relative_to(base)) for x in base.rglob("*")))
shutil.copy(base / "sub" / "renamed.txt", base / "copy.txt")
print((base / "copy.txt").read_text(encoding="utf-8").splitlines(), os.stat(base / "copy.txt").st_size)
with tempfile.NamedTemporaryFile(dir=base, delete=False) as t:
    t.write(b"tmp")
print(os.path.getsize(t.name), t.name.startswith("/data/"))
os.remove(t.name)
shutil.rmtree(base / "sub")
print(sorted(os.listdir(base)))
try:
    open("/data/nope/x.txt")
except FileNotFoundError as err:
    print("FileNotFoundError", errno.errorcode[err.errno])
print(os.getcwd() in ("/", "/data"))
