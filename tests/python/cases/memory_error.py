# test: warden-only
# test: warden-options = --max-memory 64M
# Growing past the memory cap raises MemoryError inside Python, which can be
# caught; the interpreter keeps working afterwards.
try:
    block = bytearray(512 * 1024 * 1024)
    print("allocated", len(block))
except MemoryError:
    print("MemoryError caught")
chunks = []
try:
    while True:
        chunks.append(bytearray(4 * 1024 * 1024))
except MemoryError:
    count = len(chunks)
    chunks.clear()
    print("MemoryError after", "few" if count < 16 else "many", "chunks")
print(sum(range(1000)))
