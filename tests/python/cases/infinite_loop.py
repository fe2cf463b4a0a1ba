# test: warden-only
# test: warden-options = --timeout 2s
# test: exit = 124
# An infinite loop is stopped by --timeout (exit status 124, as for `warden run`).
print("looping", flush=True)
while True:
    pass
