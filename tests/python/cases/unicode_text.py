# Unicode: normalization, case mapping, unicodedata, encodings, width.
import unicodedata

s = "Ça va? Straße — 日本語 😀"
print(s, len(s), len(s.encode("utf-8")), len(s.encode("utf-16-le")))
print(s.upper(), s.casefold())
print([unicodedata.name(ch) for ch in "é😀"])
print(unicodedata.normalize("NFD", "é") == "e\u0301", unicodedata.normalize("NFC", "e\u0301") == "é")
print(unicodedata.category("A"), unicodedata.numeric("½"), unicodedata.east_asian_width("日"))
print("日本語".encode("shift_jis"), b"\xc3\xa9".decode("utf-8"), "é".encode("latin-1"))
print("abc".encode("utf-32-be"), "x\udcff".encode("utf-8", "surrogateescape"))
try:
    b"\xff\xfe\xfa".decode("utf-8")
except UnicodeDecodeError as err:
    print("UnicodeDecodeError:", err.reason, err.start)
print(b"\xff".decode("utf-8", "replace"), ascii("ü😀"), "ß".upper(), "ǅ".lower(), "İ".lower().encode())
print(sorted(["b", "ä", "a", "z", "é"]), "\N{GREEK SMALL LETTER ALPHA}", chr(0x1F600) == "😀")
print(f"{'x':*^9}", "%-5s|%5.2f" % ("ab", 3.14159), "{:,}".format(1234567.891))
