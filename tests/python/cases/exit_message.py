# test: exit = 1
# test: stderr-contains = fatal: configuration missing
# SystemExit with a message prints it to stderr and exits with status 1.
print("before exit")
raise SystemExit("fatal: configuration missing")
