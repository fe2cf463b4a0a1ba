# test: data-dir
# zlib and gzip (a .gz file written and read back in /data), zipfile in memory.
import gzip
import io
import zipfile
import zlib

payload = ("warden " * 1000).encode()
packed = zlib.compress(payload, 9)
print(len(payload), len(packed) < 100, zlib.decompress(packed) == payload)
print(hex(zlib.crc32(payload)), hex(zlib.adler32(payload)))
d = zlib.decompressobj()
print(d.decompress(packed[:20]) + d.decompress(packed[20:]) + d.flush() == payload)
with gzip.open("/data/x.txt.gz", "wt", encoding="utf-8") as f:
    f.write("line one\nline two\n")
with gzip.open("/data/x.txt.gz", "rt", encoding="utf-8") as f:
    print(f.read().splitlines())
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.txt", "alpha")
    z.writestr("dir/b.txt", "beta" * 50)
with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
    print(z.namelist(), z.read("dir/b.txt")[:8])
