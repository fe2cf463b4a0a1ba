# test: stdin = stdin_lines.stdin
# Reads stdin line by line and in bulk.
import sys

first = sys.stdin.readline()
print("first:", first.rstrip("\n"))
rest = sys.stdin.read()
words = rest.split()
print(len(rest.splitlines()), "more lines,", len(words), "words")
print(sorted(set(words))[:5], sum(int(w) for w in words if w.isdigit()))
print(sys.stdin.read() == "", sys.stdin.encoding)
