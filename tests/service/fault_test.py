"""The fault test: while one tenant sends a steady stream of good requests,
another sends code that loops forever, bombs memory, floods output and traps
(and malformed HTTP). Every good request must succeed, every bad one must end
with its own status, and the server's resident memory must come back near
its baseline afterwards."""

import socket
import sys
import tempfile
import threading
import time

from harness import Client, Server, metric, parse_args, run_tests, stop_and_check_exit, wat_module

TRAP_WAT = '(module (memory (export "memory") 1) (func (export "_start") unreachable))'


class Context:
    def __init__(self, server, scale, workdir):
        self.server = server
        self.scale = scale
        self.workdir = workdir


def settle(server, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if metric(server, "warden_running_executions") == 0 and metric(server, "warden_queued_executions") == 0:
            return
        time.sleep(0.1)
    raise AssertionError("executions still running")


def test_good_requests_survive_bad_ones(c):
    good = Client(c.server, "alpha", timeout=120 * c.scale)
    bad = Client(c.server, "mallory", timeout=120 * c.scale)
    trap = wat_module(TRAP_WAT, c.workdir)
    for _ in range(4):  # warm up: the first runs grow the allocator's pools
        assert good.execute({"code": "print(sum(range(1000)))"}).json()["status"] == "ok"
    settle(c.server, 30 * c.scale)
    baseline = metric(c.server, "process_resident_memory_bytes")

    attacks = [
        ({"code": "while True: pass", "limits": {"timeout_ms": int(1000 * c.scale)}}, "timeout"),
        ({"code": "chunks = []\nwhile True: chunks.append(bytearray(8 << 20))", "limits": {"memory_bytes": 192 << 20}},
         "memory_limit"),
        ({"code": "import sys\nwhile True: sys.stdout.write('z' * 65536)"}, "output_limit"),
        ({"language": "wasm", "code": trap}, "trap"),
        ({"code": "def f(): return f()\nf()"}, "error"),  # RecursionError, not a host crash
    ]
    stop = threading.Event()
    failures = []
    counts = {"good": 0, "bad": 0, "rejected": 0}
    lock = threading.Lock()

    def good_loop(n):
        i = 0
        while not stop.is_set():
            i += 1
            r = good.execute({"code": f"print(sum(range({n} + {i})))"})
            expected = f"{sum(range(n + i))}\n"
            if r.status != 200 or r.json()["status"] != "ok" or r.json()["stdout"] != expected:
                failures.append(f"good request failed: {r}")
            with lock:
                counts["good"] += 1

    def bad_loop(offset):
        i = offset
        while not stop.is_set():
            body, status = attacks[i % len(attacks)]
            i += 1
            r = bad.execute(body)
            with lock:
                if r.status == 429:
                    counts["rejected"] += 1
                    continue
                counts["bad"] += 1
            if r.status != 200 or r.json()["status"] != status:
                failures.append(f"bad request {status}: {r}")
            # Malformed HTTP between the attacks.
            with socket.create_connection(("127.0.0.1", c.server.port), timeout=10) as s:
                s.sendall(b"\x00\xff garbage\r\n\r\n")
                s.recv(4096)

    threads = [threading.Thread(target=good_loop, args=(n,)) for n in (100, 200)]
    threads += [threading.Thread(target=bad_loop, args=(k,)) for k in (0, 2)]
    for t in threads:
        t.start()
    time.sleep(12 * min(c.scale, 2))  # slower builds run fewer requests, not for longer
    stop.set()
    for t in threads:
        t.join()
    print(f"  {counts['good']} good, {counts['bad']} bad, {counts['rejected']} bad refused with 429", flush=True)
    assert not failures, failures[:5]
    assert counts["good"] >= 10 and counts["bad"] >= len(attacks), counts

    settle(c.server, 30 * c.scale)
    after = metric(c.server, "process_resident_memory_bytes")
    print(f"  RSS baseline {baseline / 2**20:.1f} MiB, after {after / 2**20:.1f} MiB", flush=True)
    # Each bomb reached 192 MiB inside a sandbox; none of it may stay.
    assert after <= baseline + (48 << 20), (baseline, after)
    assert c.server.alive()
    assert good.execute({"code": "print('still here')"}).json()["stdout"] == "still here\n"
    stop_and_check_exit(c.server, 60 * c.scale)


def main():
    args = parse_args()
    server = Server(args.warden, args.scale, sanitized=args.sanitized)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            return run_tests([test_good_requests_survive_bad_ones], Context(server, args.scale, workdir))
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
