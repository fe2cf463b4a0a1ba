#!/usr/bin/env python3
"""Load benchmark of `warden serve`: executions per second and p50/p99
latency for print(1) and a small compute task at 1, 8 and 64 concurrent
clients, measured with wrk (Debian's) in one run. Prints a Markdown table.

    bench/service/run.py --warden build/warden [--seconds 10] [--workers N]

--smoke: one short round per workload (checks the set-up, no figures)."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "bench-key-0123456789abcdef"
WORKLOADS = [
    ("print(1)", "print(1)"),
    ("compute", "print(sum(i * i for i in range(20000)))"),
]


def start_server(warden, workers, tmp):
    config = {
        "max_queue": 256,
        "tenants": [{"name": "bench", "api_keys": [KEY], "max_concurrent": 256,
                     "requests_per_minute": 10_000_000}],
    }
    if workers:
        config["workers"] = workers
    path = os.path.join(tmp, "config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    log = open(os.path.join(tmp, "server.log"), "w")
    proc = subprocess.Popen([warden, "serve", "--listen", "127.0.0.1:0", "--config", path],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        sys.exit(f"warden serve did not start: {line!r}")
    return proc, int(line.rsplit(":", 1)[1])


def run_wrk(port, code, clients, seconds):
    env = dict(os.environ, WARDEN_BENCH_BODY=json.dumps({"code": code}), WARDEN_BENCH_KEY=KEY)
    threads = min(clients, 2)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s",
                          "-s", os.path.join(HERE, "post.lua"), f"http://127.0.0.1:{port}/v1/executions"],
                         env=env, capture_output=True, text=True, check=True).stdout
    values = dict(re.findall(r"^(warden_\w+) ([0-9.]+)$", out, re.M))
    errors = re.search(r"Socket errors: (.*)", out)
    requests, elapsed = int(values["warden_requests"]), float(values["warden_seconds"])
    return {"rate": requests / elapsed, "p50": float(values["warden_p50_ms"]), "p99": float(values["warden_p99_ms"]),
            "requests": requests, "failed": int(values["warden_failed"]),
            "socket_errors": errors.group(1) if errors else ""}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warden", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=0, help="execution threads (default: one per core)")
    parser.add_argument("--clients", default="1,8,64")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    seconds = args.seconds
    if args.smoke:
        clients, seconds = [2], 1

    with tempfile.TemporaryDirectory(prefix="warden-bench-service-") as tmp:
        proc, port = start_server(args.warden, args.workers, tmp)
        try:
            run_wrk(port, "print(1)", 1, 1)  # warm-up
            print(f"# warden serve load: {os.cpu_count()} cores, wrk {seconds}s per row, keep-alive connections")
            print("| workload | clients | executions/s | p50 ms | p99 ms | requests | failed |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            failed_rows = 0
            for name, code in WORKLOADS:
                for n in clients:
                    r = run_wrk(port, code, n, seconds)
                    failed_rows += 1 if r["failed"] else 0
                    note = f" ({r['socket_errors']})" if r["socket_errors"] else ""
                    print(f"| {name} | {n} | {r['rate']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['requests']} | "
                          f"{r['failed']}{note} |", flush=True)
        finally:
            proc.terminate()
            proc.wait(30)
    rows = len(WORKLOADS) * len(clients)
    # Every row is a check too: all its answers were 200 with status ok.
    print(f"{rows - failed_rows} passed, {failed_rows} failed")
    return 1 if failed_rows else 0


if __name__ == "__main__":
    sys.exit(main())
