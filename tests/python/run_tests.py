#!/usr/bin/env python3
"""Runs the Python programs in tests/python/cases/ on python.wasm and checks
their stdout (against NAME.expected), exit status and stderr.

    tests/python/run_tests.py [--runtime node|warden] [--home DIR] [--warden PATH]
                              [--snapshot FILE] [-k SUBSTRING] [--update]

Each case may start with directives, one per comment line:
    # test: data-dir                 a fresh writable directory mapped to /data
    # test: args = a "b c"           arguments (shell quoting)
    # test: stdin = FILE             stdin from a file next to the case
    # test: env = KEY=VALUE          one environment variable (repeatable)
    # test: exit = N                 expected exit status (default 0)
    # test: stderr-contains = TEXT   stderr must contain TEXT
    # test: warden-only              needs Warden's enforcement (limits, read-only
                                     preopens); not run under node
    # test: warden-options = ...     extra `warden python` options
The case directory is mapped read-only to /tests. With --snapshot, warden
runs every case restored from that snapshot (`warden snapshot create`): a
restored sandbox must behave exactly as a freshly started CPython. --update rewrites the
.expected files from the current runtime's output. Last line: N passed, N failed.
"""
import argparse
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES = HERE / "cases"
TIMEOUT_SECONDS = 120  # node under load needs ~1 s per start; cases are small


def parse_directives(path):
    spec = {"args": [], "env": [], "exit": 0, "stdin": None, "stderr": [],
            "data_dir": False, "warden_only": False, "warden_options": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# test:"):
            continue
        key, _, value = line[len("# test:"):].strip().partition("=")
        key, value = key.strip(), value.strip()
        if key == "data-dir":
            spec["data_dir"] = True
        elif key == "warden-only":
            spec["warden_only"] = True
        elif key == "args":
            spec["args"] = shlex.split(value)
        elif key == "env":
            spec["env"].append(value)
        elif key == "exit":
            spec["exit"] = int(value)
        elif key == "stdin":
            spec["stdin"] = CASES / value
        elif key == "stderr-contains":
            spec["stderr"].append(value)
        elif key == "warden-options":
            spec["warden_options"] = shlex.split(value)
        else:
            raise ValueError(f"{path.name}: unknown directive {key!r}")
    return spec


def default_home():
    out = subprocess.run([str(REPO / "python" / "build.sh"), "--print-dir"],
                         check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def command_for(args, spec, case, data_dir):
    """The command line running one case on the selected runtime."""
    # Bytecode is never written back: node does not enforce read-only mounts
    # (Warden does; there the variable would also send the run to a fresh
    # start, since CPython reads it when it starts).
    env = (["PYTHONDONTWRITEBYTECODE=1"] if args.runtime == "node" else []) + spec["env"]
    if args.runtime == "node":
        cmd = ["node", str(REPO / "python" / "node-run.mjs"), "--home", args.home,
               "--dir", f"{CASES}::/tests"]
        if data_dir:
            cmd += ["--dir", f"{data_dir}::/data"]
        for e in env:
            cmd += ["--env", e]
        return cmd + ["--", f"/tests/{case.name}"] + spec["args"]
    cmd = [args.warden, "python", "--python-home", args.home, "--ro-dir", f"{CASES}::/tests"]
    if args.snapshot:
        cmd += ["--snapshot", args.snapshot]
    if args.fresh:
        cmd += ["--fresh"]
    if data_dir:
        cmd += ["--dir", f"{data_dir}::/data"]
    for e in env:
        cmd += ["--env", e]
    return cmd + spec["warden_options"] + ["--", f"/tests/{case.name}"] + spec["args"]


def run_case(args, case):
    """Returns (verdict, detail): verdict is 'pass', 'fail' or 'not-run'."""
    spec = parse_directives(case)
    if spec["warden_only"] and args.runtime != "warden":
        return "not-run", "warden-only"
    expected_path = case.with_suffix(".expected")
    with tempfile.TemporaryDirectory(prefix="warden-pytest-") as tmp:
        cmd = command_for(args, spec, case, tmp if spec["data_dir"] else None)
        stdin = open(spec["stdin"], "rb") if spec["stdin"] else subprocess.DEVNULL
        try:
            proc = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return "fail", f"no exit within {TIMEOUT_SECONDS}s"
        finally:
            if spec["stdin"]:
                stdin.close()
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    if args.update:
        expected_path.write_text(stdout, encoding="utf-8")
    problems = []
    if proc.returncode != spec["exit"]:
        problems.append(f"exit status {proc.returncode}, expected {spec['exit']}")
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
    if expected is None:
        problems.append(f"missing {expected_path.name}")
    elif stdout != expected:
        problems.append("stdout differs:\n" + "".join(
            __import__("difflib").unified_diff(expected.splitlines(True), stdout.splitlines(True),
                                               "expected", "actual")))
    for text in spec["stderr"]:
        if text not in stderr:
            problems.append(f"stderr lacks {text!r}")
    if problems:
        return "fail", "\n".join(problems) + "\n-- stderr (tail):\n" + stderr[-1500:]
    return "pass", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", choices=["node", "warden"], default="node")
    parser.add_argument("--home", help="the recipe's output (python/build.sh --print-dir)")
    parser.add_argument("--warden", default=str(REPO / "build" / "warden"))
    parser.add_argument("--snapshot", help="warden only: run each case restored from this snapshot")
    parser.add_argument("--fresh", action="store_true",
                        help="warden only: start CPython from scratch (default: from the cached snapshot)")
    parser.add_argument("-k", dest="pattern", default="", help="only cases whose name contains this")
    parser.add_argument("--update", action="store_true", help="rewrite the .expected files")
    args = parser.parse_args()
    args.home = args.home or os.environ.get("WARDEN_PYTHON_HOME") or default_home()

    passed, failed, not_run = 0, 0, []
    for case in sorted(CASES.glob("*.py")):
        if args.pattern not in case.stem:
            continue
        verdict, detail = run_case(args, case)
        if verdict == "not-run":
            not_run.append(case.stem)
            continue
        print(f"{verdict.upper():4} {case.stem}", flush=True)
        if verdict == "pass":
            passed += 1
        else:
            failed += 1
            print("     " + detail.replace("\n", "\n     "))
    if not_run:
        print(f"not run under {args.runtime} (warden-only): {' '.join(not_run)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
