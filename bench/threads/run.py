#!/usr/bin/env python3
"""Thread overhead and parallelism, native against Warden, side by side.

thread_bench.c is compiled twice: natively (gcc -O2 -pthread) and for
wasm32-wasi-threads with the project's threaded sysroot (sysroot/build.sh).
Both run alternately, REPS times; the table shows medians and ratios:
  spawn_join_us         create + join one thread
  handoff_roundtrip_us  two threads passing a turn through a mutex and condvars
  parallel_1/2          the same CPU work on one thread and split over two
                        (the speedup shows guest threads running in parallel)

  bench/threads/run.py [--reps 5] [--warden build/warden] [--sysroot DIR]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ARGS = ["2000", "20000", "400000000"]  # spawns, hand-offs, work


def sysroot_path(given):
    if given:
        return given
    recipe = REPO / "sysroot" / "build.sh"
    if not recipe.exists():
        # The threaded libc is the next step of the threads work (docs/POSIX.md).
        sys.exit("run.py: no threaded sysroot: pass --sysroot DIR (a wasm32-wasi-threads libc with pthreads); "
                 "sysroot/build.sh does not exist yet")
    out = subprocess.run(["bash", str(recipe)], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def build(out_dir, sysroot):
    native = out_dir / "thread_bench"
    wasm = out_dir / "thread_bench.wasm"
    src = str(HERE / "thread_bench.c")
    subprocess.run(["gcc", "-O2", "-pthread", src, "-o", str(native)], check=True)
    subprocess.run(["clang-19", "--target=wasm32-wasi-threads", "-pthread", f"--sysroot={sysroot}", "-O2", src,
                    "-Wl,--import-memory,--export-memory,--shared-memory,--max-memory=67108864",
                    "-o", str(wasm)], check=True)
    return native, wasm


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600).stdout
    values = {}
    for line in out.splitlines():
        name, *rest = line.split()
        values[name] = rest if name == "checksum" else float(rest[0])
    return values


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warden", default=str(REPO / "build" / "warden"))
    ap.add_argument("--sysroot", default="", help="the threaded sysroot (default: sysroot/build.sh's)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        native, wasm = build(Path(tmp), sysroot_path(args.sysroot))
        runs = {"native": [], "warden": []}
        for _ in range(args.reps):
            runs["native"].append(run([str(native), *ARGS]))
            runs["warden"].append(run([args.warden, "run", str(wasm), *ARGS]))
    checks = {tuple(r["checksum"]) for rs in runs.values() for r in rs}
    if len(checks) != 1:
        print(f"checksums differ: {checks}", file=sys.stderr)
        return 1
    print(f"{'measure':24} {'native':>10} {'warden':>10} {'ratio':>8}")
    for key in ["spawn_join_us", "handoff_roundtrip_us", "parallel_1_thread_s", "parallel_2_threads_s"]:
        n = statistics.median(r[key] for r in runs["native"])
        w = statistics.median(r[key] for r in runs["warden"])
        print(f"{key:24} {n:10.3f} {w:10.3f} {w / n:7.2f}x")
    for name, rs in runs.items():
        speedup = statistics.median(r["parallel_1_thread_s"] / r["parallel_2_threads_s"] for r in rs)
        print(f"{name}: 2 threads run the work {speedup:.2f}x as fast as 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
