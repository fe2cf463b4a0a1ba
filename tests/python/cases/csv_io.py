# csv: writing and reading with quoting, dialects and DictReader.
import csv
import io

out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["name", "note", "n"])
w.writerow(["a, b", 'say "hi"', 3])
w.writerow(["multi\nline", "", -1.5])
text = out.getvalue()
print(text, end="")
print(list(csv.reader(io.StringIO(text))))
for row in csv.DictReader(io.StringIO("x;y\n1;2\n3;4\n"), delimiter=";"):
    print(dict(row))
print(csv.Sniffer().sniff("a|b|c\n1|2|3\n").delimiter)
