#!/usr/bin/env python3
"""Python workloads under native CPython 3.11, `warden python` and node:wasi,
and the startup figure of each (docs/PERFORMANCE.md, section "Python").

    bench/python/run.py                    # all workloads, 3 reps, then startup
    bench/python/run.py --reps 5 nbody     # some workloads
    bench/python/run.py --startup-only     # only the startup figure
    bench/python/run.py --smoke            # tiny sizes, results checked, no timing
    bench/python/run.py --markdown         # tables as Markdown

Runtimes alternate run by run (the order rotates each repetition) so a change
in machine load hits all of them alike. Every run's printed result is
compared with the expected one (workloads.py); a failed or wrong run makes
the exit status 1.
"""
import argparse
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree (it is preopened read-only too)
import commands  # noqa: E402  (after the line above)
import tables  # noqa: E402
from timing import spawn  # noqa: E402
from workloads import BY_NAME, WORKLOADS  # noqa: E402

DEFAULT_WARDEN = commands.SOURCE_DIR / "build" / "warden"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                        help=f"some of: {', '.join(BY_NAME)} (default: all)")
    parser.add_argument("--reps", type=int, default=3, help="runs per workload and runtime (default 3)")
    parser.add_argument("--warden", default=str(DEFAULT_WARDEN), help="warden binary (default build/warden)")
    parser.add_argument("--node", default=shutil.which("node"), help="node binary (default: from PATH)")
    parser.add_argument("--python-home", help="the recipe's output (default: python/build.sh --print-dir)")
    parser.add_argument("--runtimes", default="native,warden,node", help="comma-separated (default all three)")
    parser.add_argument("--baseline-warden", default="",
                        help="another warden build (e.g. before a change), added as the runtime warden-baseline")
    parser.add_argument("--baseline-python-home", default="",
                        help="another CPython build (e.g. before a recipe change) for warden-baseline, which then "
                             "is this warden unless --baseline-warden names another")
    parser.add_argument("--startup-reps", type=int, default=10, help="startup runs per Wasm runtime (default 10)")
    parser.add_argument("--native-startup-reps", type=int, default=20, help="startup runs for native (default 20)")
    parser.add_argument("--startup-only", action="store_true", help="only the startup figure")
    parser.add_argument("--no-startup", action="store_true", help="skip the startup figure")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each, results only")
    parser.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    return parser.parse_args()


def make_runtimes(args):
    home = args.python_home or commands.python_home()
    programs = {"native": commands.NATIVE_PYTHON, "warden": args.warden, "node": args.node,
                "warden-baseline": args.baseline_warden or (args.warden if args.baseline_python_home else "")}
    homes = {"warden-baseline": args.baseline_python_home or home}
    names = args.runtimes.split(",")
    if programs["warden-baseline"] and "warden-baseline" not in names:
        names.append("warden-baseline")
    runtimes = []
    for name in names:
        program = programs.get(name)
        if name not in programs:
            sys.exit(f"run.py: unknown runtime {name}")
        if not program or not Path(program).is_file():
            if name == "node":
                print("run.py: node not found, skipping it", file=sys.stderr)
                continue
            sys.exit(f"run.py: {name} binary not found: {program}")
        runtimes.append(commands.Runtime(name, str(Path(program).resolve()), homes.get(name, home)))
    if runtimes[0].name != "native" and not args.smoke:
        sys.exit("run.py: ratios need native first in --runtimes")
    return runtimes


def run_workloads(workloads, runtimes, reps, smoke):
    """samples[(workload, runtime)] -> {"wall": [...], "cpu": [...], "kernel_cpu": [...]}
    (kernel_cpu: the CPU time the script measured around its timed part); failures."""
    samples, failures = {}, []
    for rep in range(reps):
        for workload in workloads:
            size = workload.smoke_size if smoke else workload.size
            expected = workload.smoke_expected if smoke else workload.expected
            shift = rep % len(runtimes)
            for runtime in runtimes[shift:] + runtimes[:shift]:
                run = spawn(runtime.script(workload.script, size))
                result = workload.result_of(run.stdout)
                label = f"{workload.name} {runtime.name} #{rep + 1}"
                if run.status != 0 or result != expected:
                    tail = (run.stderr.strip().splitlines() or [""])[-1]
                    failures.append(f"{label}: exit {run.status}, printed {result!r}, expected {expected!r} {tail}")
                    print(f"FAIL {failures[-1]}", file=sys.stderr)
                    continue
                entry = samples.setdefault((workload.name, runtime.name), {"wall": [], "cpu": [], "kernel_cpu": []})
                entry["wall"].append(run.wall)
                entry["cpu"].append(run.cpu)
                entry["kernel_cpu"].append(workload.kernel_seconds(run.stdout, "kernel_cpu_s"))
                print(f"  {label}: {run.wall:.3f} s wall, {run.cpu:.3f} s cpu", file=sys.stderr)
    return samples, failures


def startup_commands(runtimes, args):
    """(label, command, reps): -c pass with and without site, plus the
    pieces that show where a Wasm runtime's start goes."""
    out = []
    for runtime in runtimes:
        reps = args.native_startup_reps if runtime.name == "native" else args.startup_reps
        shown = {"native": "python3.11", "warden": "warden python", "warden-baseline": "warden-baseline python",
                 "node": "node node-run.mjs"}[runtime.name]
        if runtime.name == "warden":
            out.append((f"{shown} -c pass (finds the recipe via build.sh)",
                        runtime.python(["-c", "pass"], pass_home=False), reps))
        out.append((f"{shown} -c pass", runtime.python(["-c", "pass"]), reps))
        out.append((f"{shown} -S -c pass (no site)", runtime.python(["-S", "-c", "pass"]), reps))
        if runtime.name != "native":
            # -V exits while parsing the command line, before CPython initialises:
            # what is left is the runtime loading python.wasm.
            out.append((f"{shown} -V (load python.wasm only)", runtime.python(["-V"]), reps))
        if runtime.name == "warden":
            out.append(("warden validate python.wasm (decode + validate)",
                        [runtime.program, "validate", f"{runtime.home}/python.wasm"], reps))
        if runtime.name == "node":
            out.append(("node -e 0 (node alone)", [runtime.program, "-e", "0"], reps))
    return out


def run_startup(runtimes, args):
    cases = startup_commands(runtimes, args)
    failures = []
    for label, cmd, _ in cases:   # one checked run each, not timed
        run = spawn(cmd)
        if run.status != 0:
            failures.append(f"startup {label}: exit {run.status} {run.stderr.strip()[-200:]}")
    walls = {label: [] for label, _, _ in cases}
    cpus = {label: [] for label, _, _ in cases}
    for i in range(max(reps for _, _, reps in cases)):
        for label, cmd, reps in cases:
            if i < reps:
                run = spawn(cmd, capture=False)
                walls[label].append(run.wall)
                cpus[label].append(run.cpu)
        print(f"  startup round {i + 1}", file=sys.stderr)
    native_walls = walls.get("python3.11 -c pass")
    native = tables.median(native_walls) if native_walls else None
    rows = []
    for label, _, reps in cases:
        wall = tables.median(walls[label])
        rows.append([label, str(reps), f"{wall * 1000:.1f}", f"{min(walls[label]) * 1000:.1f}",
                     f"{tables.median(cpus[label]) * 1000:.1f}", f"{wall / native:.1f}x" if native else ""])
    header = ["startup (whole process)", "runs", "median wall ms", "min wall ms", "median cpu ms", "wall / native"]
    return tables.format_table(header, rows, args.markdown), failures


def main():
    args = parse_args()
    runtimes = make_runtimes(args)
    unknown = [n for n in args.workloads if n not in BY_NAME]
    if unknown:
        sys.exit(f"run.py: unknown workload {', '.join(unknown)} (known: {', '.join(BY_NAME)})")
    workloads = [BY_NAME[n] for n in args.workloads] or WORKLOADS
    failures = []
    if args.smoke:
        samples, failures = run_workloads(workloads, runtimes, 1, smoke=True)
        passed = len(workloads) * len(runtimes) - len(failures)
        print(f"{passed} passed, {len(failures)} failed")
        return 1 if failures else 0
    if not args.startup_only:
        samples, failures = run_workloads(workloads, runtimes, args.reps, smoke=False)
        names = [w.name for w in workloads]
        order = [r.name for r in runtimes]
        for key, title in (("cpu", "Median CPU seconds (user + system, whole process)"),
                           ("kernel_cpu", "Median in-script CPU seconds (the timed part: no start-up, imports or set-up)"),
                           ("wall", "Median wall seconds (whole process)")):
            per_key = {k: v[key] for k, v in samples.items()}
            print(tables.ratio_table(per_key, names, order, title, args.markdown) + "\n")
    if not args.no_startup:
        table, startup_failures = run_startup(runtimes, args)
        failures += startup_failures
        print(table)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
