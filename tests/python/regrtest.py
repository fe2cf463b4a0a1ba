#!/usr/bin/env python3
"""Runs CPython's own regression tests (Lib/test modules) on python.wasm, one
`python -m test MODULE` process per module, and counts modules.

    tests/python/regrtest.py [--runtime node|warden] [--home DIR] [--warden PATH]
                             [--list FILE] [-j N] [--timeout SECONDS]
                             [--write-passing FILE] [MODULE ...]

The default list is regrtest_list.txt: the modules that pass under node's
node:wasi (the oracle), which Warden must pass too. regrtest_candidates.txt
holds every module tried; `--list regrtest_candidates.txt --write-passing
regrtest_list.txt` under node regenerates the list.

Each module gets a fresh writable /tmp (TMPDIR=/tmp/work), an empty / and the recipe's copy of
Lib/test read-only at /testlib (PYTHONPATH). A module counts as skipped when
regrtest skips it (e.g. it needs threads or subprocesses, which WASI lacks),
as failed on any failure, crash or timeout. Last line: N passed, N failed, N skipped.

A list line may add regrtest options after the module's name, for tests
that need what the sandbox does not have yet (each says why in a comment):
    test_threading -i test_threads_join -i test_threads_join_2   # need os.pipe
"""
import argparse
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent


def default_home():
    out = subprocess.run([str(REPO / "python" / "build.sh"), "--print-dir"],
                         check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def read_list(path):
    names = []
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def command_for(args, entry, tmp):
    module, *options = entry.split()
    # TMPDIR one level down: regrtest's os.makedirs(TMPDIR) would stat "/",
    # which is no preopen (WASI has no root directory), and fail.
    os.makedirs(os.path.join(tmp, "work"), exist_ok=True)
    # An empty root: regrtest chdir()s back to the initial cwd "/" at the end.
    os.makedirs(os.path.join(tmp, "root"), exist_ok=True)
    env = ["PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH=/testlib", "TMPDIR=/tmp/work"]
    testlib = os.path.join(args.home, "testlib")
    if args.runtime == "node":
        cmd = ["node", str(REPO / "python" / "node-run.mjs"), "--home", args.home,
               "--dir", f"{tmp}/root::/", "--dir", f"{testlib}::/testlib", "--dir", f"{tmp}::/tmp"]
        for e in env:
            cmd += ["--env", e]
        return cmd + ["--", "-m", "test", *options, module]
    # --max-threads: test_queue's test_many_threads runs 100 threads at once,
    # past the sandbox's default cap of 64.
    cmd = [args.warden, "python", "--python-home", args.home, "--max-threads", "256",
           "--ro-dir", f"{tmp}/root::/", "--ro-dir", f"{testlib}::/testlib", "--dir", f"{tmp}::/tmp"]
    for e in env:
        cmd += ["--env", e]
    return cmd + ["--", "-m", "test", *options, module]


# node 20 itself sometimes dies by a signal (SIGSEGV, SIGBUS) while Python
# shuts down after regrtest has reported success (seen for test_compile,
# test_fstring, test_itertools, test_unicode, test_zipfile): the oracle
# counts those modules as passed. Warden gets no such allowance.
def node_crashed(returncode):
    return returncode < 0 or returncode in (134, 135, 139)


def classify(runtime, returncode, output):
    """'pass', 'skip' or 'fail' from regrtest's summary."""
    if runtime == "node" and node_crashed(returncode):
        returncode = 0
    if re.search(r"Tests result: NO TESTS RAN|\b1 test skipped:|\btest skipped\b", output) and returncode == 0:
        return "skip"
    if returncode == 0 and "Tests result: SUCCESS" in output:
        return "pass"
    return "fail"


def run_module(args, entry):
    module = entry.split()[0]
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="warden-regrtest-") as tmp:
        try:
            proc = subprocess.run(command_for(args, entry, tmp), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=args.timeout)
            output = proc.stdout.decode("utf-8", "replace")
            verdict = classify(args.runtime, proc.returncode, output)
            output += f"\n[exit status {proc.returncode}]"
        except subprocess.TimeoutExpired as err:
            output = (err.stdout or b"").decode("utf-8", "replace") + f"\n[timeout after {args.timeout}s]"
            verdict = "fail"
    return module, verdict, time.monotonic() - start, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--runtime", choices=["node", "warden"], default="node")
    parser.add_argument("--home", help="the recipe's output (python/build.sh --print-dir)")
    parser.add_argument("--warden", default=str(REPO / "build" / "warden"))
    parser.add_argument("--list", default=str(HERE / "regrtest_list.txt"))
    parser.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("WARDEN_JOBS", "2")))
    parser.add_argument("--timeout", type=float, default=600, help="seconds per module")
    parser.add_argument("--write-passing", metavar="FILE", help="write the passing modules here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the output of failures")
    args = parser.parse_args()
    args.home = args.home or os.environ.get("WARDEN_PYTHON_HOME") or default_home()
    modules = args.modules or read_list(args.list)

    counts = {"pass": 0, "fail": 0, "skip": 0}
    passing = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for module, verdict, seconds, output in pool.map(lambda m: run_module(args, m), modules):
            counts[verdict] += 1
            print(f"{verdict.upper():4} {module} ({seconds:.1f}s)", flush=True)
            if verdict == "pass":
                passing.append(module)
            elif verdict == "fail" and args.verbose:
                print("     " + output[-3000:].replace("\n", "\n     "))
            elif verdict == "skip":
                reason = re.search(r"skipped -- (.*)", output)
                print(f"     {reason.group(1) if reason else 'skipped'}")
    if args.write_passing:
        header = ("# Lib/test modules that pass under node's node:wasi with the recipe's python.wasm\n"
                  "# (written by tests/python/regrtest.py --write-passing); Warden must pass them all.\n")
        pathlib.Path(args.write_passing).write_text(header + "".join(m + "\n" for m in passing),
                                                    encoding="utf-8")
    print(f"{args.runtime}: {len(modules)} modules in {time.monotonic() - start:.0f}s")
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
