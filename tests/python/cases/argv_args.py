# test: args = one "" "two words" --flag=3 -x
# sys.argv and argparse see the arguments exactly as given.
import argparse
import sys

print(sys.argv)
parser = argparse.ArgumentParser(prog="argv_args")
parser.add_argument("items", nargs="*")
parser.add_argument("--flag", type=int)
parser.add_argument("-x", action="store_true")
print(parser.parse_args(sys.argv[1:]))
