#!/usr/bin/env python3
"""Python's thread overhead and parallelism, native python3.11 against
`warden python`, side by side: py_threads.py runs under both, alternately,
REPS times; the table shows each measurement's median and the ratio
warden/native, plus the two-thread speedup of the hashing (1 thread's time
over 2 threads') for each.

    bench/threads/run_python.py [--reps 3] [--warden build/warden] [--scale 1.0]
"""
import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPT = HERE / "py_threads.py"


def measure(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900).stdout
    values = {}
    for line in out.splitlines():
        name, value, unit = line.split()
        values[name] = (float(value), unit)
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warden", default=str(REPO / "build" / "warden"))
    parser.add_argument("--native", default="/usr/bin/python3.11")
    parser.add_argument("--scale", default="1.0", help="work per measurement (py_threads.py's argument)")
    args = parser.parse_args()
    runtimes = {
        "native": [args.native, str(SCRIPT), args.scale],
        "warden": [args.warden, "python", str(SCRIPT), args.scale],
    }
    samples = {name: [] for name in runtimes}
    for _ in range(args.reps):
        for name, cmd in runtimes.items():
            samples[name].append(measure(cmd))
    medians = {name: {key: (statistics.median(s[key][0] for s in runs), runs[0][key][1]) for key in runs[0]}
               for name, runs in samples.items()}
    print(f"python threads, median of {args.reps} (alternating runs)")
    print(f"{'measurement':<20} {'native':>12} {'warden':>12} {'warden/native':>14}")
    for key, (native, unit) in medians["native"].items():
        warden = medians["warden"][key][0]
        print(f"{key:<20} {native:>9.1f} {unit:<2} {warden:>9.1f} {unit:<2} {warden / native:>13.2f}x")
    for name in runtimes:
        m = medians[name]
        print(f"two-thread hashing speedup, {name}: {m['hash_1thread_ms'][0] / m['hash_2threads_ms'][0]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
