#!/usr/bin/env python3
"""Warden's benchmark runner: builds the C workloads natively and to Wasm,
runs each on every runtime (alternating runtimes within each repetition, so
drift in machine load hits them alike), checks that every runtime printed the
known checksum, and prints median seconds, ratios to native and their
geometric mean, then the startup figure.

  bench/run.py                       build build/warden if needed, 5 reps, all workloads
  bench/run.py --reps 3 fib sort     some workloads only
  bench/run.py --wasm3 /tmp/wasm3    add wasm3 as a column
  bench/run.py --baseline-warden OLD  add another warden build as a column (before/after a change)
  bench/run.py --markdown            tables in Markdown (for docs/PERFORMANCE.md)
  bench/run.py --startup-only        only the startup figure
  bench/run.py --smoke               tiny sizes, checksums only (the ctest check)

Exit status: 0 when every run succeeded with the right checksum, 1 otherwise.
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from compile_workloads import build_all
from report import startup_table, workload_table
from runtimes import Runtime, checksum_of, spawn_seconds, timed_run
from workloads import by_name

REPO = Path(__file__).resolve().parent.parent


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workloads", nargs="*", help="workloads to run (default: all)")
    p.add_argument("--reps", type=int, default=5, help="repetitions per workload and runtime (default 5)")
    p.add_argument("--startup-reps", type=int, default=20, help="repetitions of each startup case (default 20)")
    p.add_argument("--warden", help="warden binary (default: build/warden, built first if needed)")
    p.add_argument("--node", default=shutil.which("node") or "", help="node binary ('' to leave node out)")
    p.add_argument("--wasm3", default="", help="wasm3 binary, added as a column when given")
    p.add_argument("--baseline-warden", default="",
                   help="another warden build (e.g. the commit before a change), added as the column warden-baseline")
    p.add_argument("--out-dir", default=str(REPO / "build" / "bench"), help="where the workloads are built")
    p.add_argument("--no-startup", action="store_true", help="skip the startup figure")
    p.add_argument("--startup-only", action="store_true", help="only the startup figure")
    p.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    p.add_argument("--smoke", action="store_true",
                   help="tiny sizes, one run on native and warden, checksums only; ends with 'N passed, N failed'")
    return p.parse_args()


def ensure_warden(path):
    """The given binary, or build/warden brought up to date with cmake + ninja."""
    if path:
        return str(Path(path).resolve())
    build = REPO / "build"
    steps = [["cmake", "--build", str(build), "--target", "warden"]]
    if not (build / "build.ninja").exists():
        steps.insert(0, ["cmake", "-G", "Ninja", "-S", str(REPO), "-B", str(build)])
    for step in steps:
        if subprocess.run(step, stdout=subprocess.DEVNULL).returncode != 0:
            raise SystemExit(f"building warden failed: {' '.join(step)}")
    return str(build / "warden")


def runtimes_from(args, smoke):
    runtimes = [Runtime("native", ""), Runtime("warden", ensure_warden(args.warden))]
    if args.node and not smoke:
        runtimes.append(Runtime("node", args.node))
    if args.baseline_warden:
        if not Path(args.baseline_warden).exists():
            raise SystemExit(f"--baseline-warden {args.baseline_warden}: no such file")
        runtimes.append(Runtime("warden-baseline", str(Path(args.baseline_warden).resolve())))
    if args.wasm3:
        if not Path(args.wasm3).exists():
            raise SystemExit(f"--wasm3 {args.wasm3}: no such file")
        runtimes.append(Runtime("wasm3", str(Path(args.wasm3).resolve())))
    return runtimes


def run_workloads(workloads, built, runtimes, reps, smoke):
    """Returns (wall, cpu, failures): wall[(workload, runtime)] = [seconds...],
    cpu likewise with user + system seconds."""
    times = {(w.name, r.name): [] for w in workloads for r in runtimes}
    cpu_times = {key: [] for key in times}
    failures = []
    for rep in range(reps):
        for w in workloads:
            arg, expected = (w.smoke, w.smoke_checksum) if smoke else (w.size, w.size_checksum)
            for r in runtimes:
                outcome = timed_run(r.invoke(built[w.name], arg))
                got = checksum_of(outcome.stdout) if outcome.ok else None
                if not outcome.ok or got != expected:
                    why = outcome.detail or f"checksum {got}, expected {expected}"
                    failures.append(f"{w.name} on {r.name}: {why}")
                    print(f"FAIL {w.name} on {r.name}: {why}", file=sys.stderr)
                    continue
                times[(w.name, r.name)].append(outcome.seconds)
                cpu_times[(w.name, r.name)].append(outcome.cpu_seconds)
                if not smoke:
                    print(f"rep {rep + 1}/{reps}  {w.name:8} {r.name:7} {outcome.seconds:8.3f} s wall"
                          f" {outcome.cpu_seconds:8.3f} s cpu", file=sys.stderr)
    return times, cpu_times, failures


def run_startup(built, runtimes, reps):
    """Whole-process wall time of tiny programs. Each case is first run once
    with its output checked (and to warm the page cache), then timed reps
    times with posix_spawn, cases alternating (slow starters in a block of
    their own, after the others)."""
    cases = [("native hello", built["hello"], Runtime("native", ""), "command")]
    for r in runtimes:
        if r.name == "native":
            continue
        cases.append((f"{r.name} run empty.wasm (--invoke run 0)", built["empty"], r, "invoke"))
        cases.append((f"{r.name} run hello.wasm (WASI)", built["hello"], r, "command"))
    commands = {label: (rt.invoke(b, 0) if mode == "invoke" else rt.command(b)) for label, b, rt, mode in cases}
    times = {label: [] for label in commands}
    first_seconds = {}
    for label, cmd in commands.items():
        outcome = timed_run(cmd, timeout=60)
        first_seconds[label] = outcome.seconds
        printed_right = "hello" in outcome.stdout if "hello" in label else checksum_of(outcome.stdout) == 0
        if not outcome.ok or not printed_right:
            times[label] = outcome.detail or f"printed {outcome.stdout.strip()!r}"
    # Slow starters (node, ~65 ms) are timed in a block of their own: right
    # after one, a 1 ms process measured 0.2-0.3 ms slower (its teardown and
    # the caches it evicted), which would charge node's cost to the others.
    slow = {label for label, seconds in first_seconds.items() if seconds > 0.02}
    for block in ([l for l in commands if l not in slow], [l for l in commands if l in slow]):
        for _ in range(reps):
            for label in block:
                if isinstance(times[label], list):
                    seconds, status = spawn_seconds(commands[label])
                    if status == 0:
                        times[label].append(seconds)
                    else:
                        times[label] = f"exit {status}"
    shown = [(label, " ".join(Path(c).name if "/" in c else c for c in cmd)) for label, cmd in commands.items()]
    return shown, times


def machine_line():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def main():
    args = parse_args()
    workloads = [] if args.startup_only else by_name(args.workloads)
    smoke = args.smoke
    reps = 1 if smoke else args.reps
    runtimes = runtimes_from(args, smoke)
    with_startup = not (smoke or args.no_startup)
    built = build_all([w.name for w in workloads], Path(args.out_dir), with_startup)

    times, cpu_times, failures = run_workloads(workloads, built, runtimes, reps, smoke)
    if smoke:
        failed = len(failures)
        sys.stderr.flush()
        print(f"{len(workloads) * len(runtimes) - failed} passed, {failed} failed")
        return 1 if failed else 0

    names = [r.name for r in runtimes]
    print(f"\nmachine: {machine_line()}")
    print(f"command: bench/run.py {' '.join(sys.argv[1:])}  ({reps} reps per workload and runtime)\n")
    if failures:
        print("FAILED runs (left out of the medians):\n  " + "\n  ".join(failures) + "\n")
    complete = [w.name for w in workloads if all(times[(w.name, r)] for r in names)]
    if complete:
        print("median wall seconds (whole process):\n")
        print(workload_table(complete, names, times, args.markdown))
        print("\nmedian CPU seconds (user + system, all threads; steadier on a busy machine):\n")
        print(workload_table(complete, names, cpu_times, args.markdown))
    if with_startup:
        cases, startup = run_startup(built, runtimes, args.startup_reps)
        print(f"\nstartup, median of {args.startup_reps}:\n")
        print(startup_table(cases, startup, args.markdown))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
