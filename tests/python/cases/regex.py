# re: groups, named groups, substitution with functions, flags, split.
import re

line = "2024-03-15 ERROR [db] connection lost after 3.5s (retry=2)"
m = re.match(r"(?P<date>\d{4}-\d\d-\d\d) (?P<level>\w+) \[(?P<mod>\w+)\] (?P<msg>.*)", line)
print(m.groupdict())
print(re.findall(r"\d+(?:\.\d+)?", line))
print(re.sub(r"\d+", lambda mo: str(int(mo.group()) * 2), "a1 b22 c333"))
print(re.split(r"[,;]\s*", "a, b;c ,d"))
print(bool(re.fullmatch(r"(?i)[a-z]+", "HeLLo")))
print(re.compile(r"^\s*#", re.M).findall("# one\ncode\n  # two"))
print(re.sub(r"(\w+)@(\w+)\.com", r"\2 at \1", "mail alice@example.com now"))
print(re.escape("1+1=2?"))
