#!/usr/bin/env python3
"""Snapshot benchmarks (issue 7), printed as one table:

  1. in-process (warden_snapshot_bench): acquire-to-running p50/p99 for
     sandboxes restored from a snapshot, with and without a pool, against a
     fresh instantiate-and-initialise; private memory per live sandbox at
     N = 100 and 1,000;
  2. whole process: `warden python -c pass` (the default start, from the
     cached snapshot), `--snapshot S`, `--fresh`, against Debian's native
     `python3.11 -c pass`, run alternately: medians, p90, page faults and
     ratios.

    bench/snapshot/run.py [--build DIR] [--runs N] [--count N] [--density 100,1000] [--smoke]
"""
import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]


def wall(cmd, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--runs", type=int, default=30, help="whole-process runs per command")
    ap.add_argument("--count", type=int, default=1000, help="in-process sandboxes for the start figures")
    ap.add_argument("--fresh", type=int, default=10, help="fresh CPython starts measured")
    ap.add_argument("--density", default="100,1000")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: checks that everything runs")
    args = ap.parse_args()
    if args.smoke:
        args.runs, args.count, args.fresh, args.density = 2, 20, 1, "5"
    build = pathlib.Path(args.build)
    warden = str(build / "warden")
    bench = str(build / "bench" / "snapshot" / "warden_snapshot_bench")

    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print("== in-process")
    inproc = subprocess.run([bench, "--count", str(args.count), "--fresh", str(args.fresh), "--density", args.density],
                            check=True, stdout=subprocess.PIPE, text=True).stdout
    print(inproc, end="")

    print("== whole process (alternating runs: median and p90 wall ms, minor page faults per run)")
    native = "/usr/bin/python3.11"  # Debian's, not a shim found first on PATH
    with tempfile.TemporaryDirectory() as tmp:
        snap = os.path.join(tmp, "python.snapshot")
        subprocess.run([warden, "snapshot", "create", "--preload", "json,re,math,collections,datetime", "-o", snap],
                       check=True, stdout=subprocess.DEVNULL)
        commands = {
            "warden python -c pass (default)": [warden, "python", "-c", "pass"],
            "warden python --snapshot S -c pass": [warden, "python", "--snapshot", snap, "-c", "pass"],
            "warden python --fresh -c pass": [warden, "python", "--fresh", "-c", "pass"],
            "warden python -c print(1)": [warden, "python", "-c", "print(1)"],
            "python3.11 -c print(1)": [native, "-c", "print(1)"],
            "python3.11 -c pass": [native, "-c", "pass"],
        }
        for cmd in commands.values():  # warm the page cache; makes the cached snapshot if missing
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = {name: [] for name in commands}
        faults = {name: [] for name in commands}
        for i in range(args.runs):
            for name, cmd in commands.items():
                if "--fresh" in cmd and i >= args.fresh:
                    continue  # 10x slower: a few runs tell enough
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
                times[name] += wall(cmd, 1)
                faults[name].append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before)
    medians = {name: statistics.median(v) for name, v in times.items()}
    base = medians["python3.11 -c pass"]
    for name, m in medians.items():
        p90 = sorted(times[name])[int(0.9 * (len(times[name]) - 1))]
        print(f"{name:38} median {m:8.2f} ms  p90 {p90:8.2f} ms  {statistics.median(faults[name]):6.0f} faults"
              f"  {m / base:6.2f}x python3.11 -c pass")
    ok = "p50" in inproc and "density" in inproc
    print(f"{1 if ok else 0} passed, {0 if ok else 1} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
