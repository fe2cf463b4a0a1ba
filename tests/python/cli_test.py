#!/usr/bin/env python3
"""`warden python` as a user meets it: scripts named by host paths, the
snapshot cached per CPython build (made on first use, raced, remade when
stale), the fallback to a fresh start, and usage errors.

    tests/python/cli_test.py [--warden PATH] [--home DIR]

Every check runs in temporary directories with a private WARDEN_CACHE (the
CPython build itself comes from --home, else python/build.sh --print-dir).
Prints one line per check and `N passed, N failed`.
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT = 120

results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(f"{'ok  ' if condition else 'FAIL'} {name}")
    if not condition and detail:
        print("     " + detail.replace("\n", "\n     ")[:3000])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warden", default=str(REPO / "build" / "warden"))
    ap.add_argument("--home", help="the recipe's output (default: python/build.sh --print-dir)")
    args = ap.parse_args()
    home = args.home or subprocess.run([str(REPO / "python" / "build.sh"), "--print-dir"], check=True,
                                       stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]

    with tempfile.TemporaryDirectory(prefix="warden-cli-") as tmp:
        tmp = pathlib.Path(tmp)
        cache = tmp / "cache"
        env = dict(os.environ, WARDEN_CACHE=str(cache), WARDEN_PYTHON_HOME=home)

        def warden(*argv, cwd=tmp, extra_env=None):
            e = dict(env, **(extra_env or {}))
            p = subprocess.run([args.warden, *argv], cwd=cwd, env=e, capture_output=True, text=True, timeout=TIMEOUT)
            return p.returncode, p.stdout, p.stderr

        project = tmp / "project"
        (project / "sub").mkdir(parents=True)
        (tmp / "secret.txt").write_text("not granted\n")
        (project / "helper.py").write_text("VALUE = 'from the neighbour'\n")
        (project / "data.txt").write_text("next to the script\n")
        (project / "s.py").write_text(
            "import os, sys, helper\n"
            "print(sys.argv)\n"
            "print(__file__)\n"
            "print(sys.path[0])\n"
            "print(helper.VALUE)\n"
            "print(open(os.path.join(os.path.dirname(__file__), 'data.txt')).read().strip())\n"
            "try:\n"
            "    open(os.path.join(os.path.dirname(__file__), 'new.txt'), 'w')\n"
            "    print('wrote')\n"
            "except OSError as e:\n"
            "    print('write refused', e.errno)\n"
            "try:\n"
            "    open(" + repr(str(tmp / "secret.txt")) + ").read()\n"
            "    print('read the parent')\n"
            "except OSError as e:\n"
            "    print('parent refused', e.errno)\n")
        (project / "fails.py").write_text("def f():\n    raise ValueError('boom')\nf()\n")
        (project / "sub" / "mod.py").write_text("import sys\nprint('module', __name__, sys.argv[1:])\n")

        # 1. The first run makes the cached snapshot and says so; the next does not.
        status, out, err = warden("python", "-c", "print('first')")
        check("first run: prints", status == 0 and out == "first\n", err)
        check("first run: says it makes the snapshot once", "making the Python snapshot" in err, err)
        snapshots = sorted(p.name for p in (cache / "snapshots").glob("*.snapshot"))
        check("first run: one snapshot file in the cache", len(snapshots) == 1, str(snapshots))
        status, out, err = warden("python", "-c", "print('second')")
        check("second run: restores it silently", status == 0 and out == "second\n" and err == "", err)

        # 2. A script by relative path, from its directory.
        status, out, err = warden("python", "s.py", "a", "b c", cwd=project)
        lines = out.splitlines()
        check("script: exit 0", status == 0, err)
        check("script: sys.argv as python3 gives it", lines[:1] == ["['s.py', 'a', 'b c']"], out)
        check("script: __file__ is the absolute host path", lines[1:2] == [str(project / "s.py")], out)
        check("script: sys.path[0] is its host directory", lines[2:3] == [str(project)], out)
        check("script: a module next to it imports", lines[3:4] == ["from the neighbour"], out)
        check("script: a file next to it reads", lines[4:5] == ["next to the script"], out)
        check("script: its directory is read-only", len(lines) > 5 and lines[5].startswith("write refused"), out)
        check("script: nothing was written", not (project / "new.txt").exists())
        check("script: the parent directory is not granted",
              len(lines) > 6 and lines[6].startswith("parent refused"), out)

        # 3. By absolute and by ../ paths, from elsewhere; the same from --snapshot and --fresh.
        status, out, err = warden("python", str(project / "s.py"), "x", cwd=tmp)
        check("absolute path: argv[0] as typed", status == 0 and out.startswith(f"['{project / 's.py'}', 'x']"), out + err)
        status, out, err = warden("python", "../s.py", cwd=project / "sub")
        check("../ path: runs, argv[0] as typed", status == 0 and out.startswith("['../s.py']"), out + err)
        snap = tmp / "explicit.snapshot"
        status, _, err = warden("snapshot", "create", "-o", str(snap))
        check("snapshot create", status == 0, err)
        status, out, err = warden("python", "--snapshot", str(snap), "s.py", "y", cwd=project)
        check("--snapshot: script by host path", status == 0 and out.startswith("['s.py', 'y']")
              and "from the neighbour" in out, out + err)
        status, out, err = warden("python", "--fresh", "s.py", "z", cwd=project)
        check("--fresh: script by host path runs with its neighbours",
              status == 0 and "from the neighbour" in out and f"{project / 's.py'}" in out, out + err)

        # 4. Errors name host paths.
        status, out, err = warden("python", "fails.py", cwd=project)
        check("traceback: exit 1", status == 1, err)
        check("traceback: names the host path", f'File "{project / "fails.py"}", line 2' in err, err)
        check("traceback: the exception", "ValueError: boom" in err, err)
        status, out, err = warden("python", "nosuch.py", cwd=project)
        check("missing script: exit 2, as python3", status == 2, err)
        check("missing script: names the host path",
              f"can't open file '{project / 'nosuch.py'}': [Errno 2]" in err, err)

        # 5. -m with --dir: the host's working directory is the guest's.
        status, out, err = warden("python", "--dir", f"{project}::{project}", "-m", "sub.mod", "q", cwd=project)
        check("-m with --dir: the module imports from the cwd", status == 0 and out == "module __main__ ['q']\n", out + err)
        status, out, err = warden("python", "--ro-dir", f"{project}::/app", "-c",
                                  "import os; print(os.getcwd()); print(open('data.txt').read().strip())", cwd=project)
        check("cwd maps through a mount", status == 0 and out == "/app\nnext to the script\n", out + err)
        status, out, err = warden("python", "--ro-dir", f"{project}::/app", "/app/s.py", "g", cwd=tmp)
        check("a guest path inside a mount still names the script", status == 0 and out.startswith("['/app/s.py', 'g']"),
              out + err)

        # 6. What a snapshot cannot honour starts fresh, correctly.
        status, out, err = warden("python", "-u", "-c", "import sys; print(sys.flags.unbuffered if hasattr(sys.flags, 'unbuffered') else 'u')")
        check("CPython's own option: a fresh start honours it", status == 0 and out.strip() in ("1", "u"), out + err)
        status, out, err = warden("python", "-I", "-c", "import sys; print(sys.flags.isolated)")
        check("-I: isolated mode is on", status == 0 and out == "1\n", out + err)
        status, out, err = warden("python", "--ro-dir", f"{project}::/lib2", "--env", "PYTHONPATH=/lib2", "-c",
                                  "import helper; print(helper.VALUE)")
        check("PYTHONPATH: honoured (a fresh start)", status == 0 and out == "from the neighbour\n", out + err)
        p = subprocess.run([args.warden, "python", "-"], input="print('from stdin')\n", env=env, cwd=tmp,
                           capture_output=True, text=True, timeout=TIMEOUT)
        check("stdin script: runs", p.returncode == 0 and p.stdout == "from stdin\n", p.stdout + p.stderr)

        # 7. A stale or damaged cached snapshot is made again.
        cached = next((cache / "snapshots").glob("*.snapshot"))
        cached.write_bytes(b"WDNSNAP1 damaged")
        status, out, err = warden("python", "-c", "print('after damage')")
        check("damaged snapshot: the run still works", status == 0 and out == "after damage\n", err)
        check("damaged snapshot: made again", cached.stat().st_size > 1 << 20 and "making the Python snapshot" in err, err)

        # 8. Several first runs at once: all run, one file, no temporary left.
        race_cache = tmp / "race-cache"
        procs = [subprocess.Popen([args.warden, "python", "-c", f"print({i})"], env=dict(env, WARDEN_CACHE=str(race_cache)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(3)]
        outs = [p.communicate(timeout=TIMEOUT) for p in procs]
        check("racing first runs: every one prints its line",
              [o for o, _ in outs] == ["0\n", "1\n", "2\n"] and all(p.returncode == 0 for p in procs), str(outs))
        left = sorted(p.name for p in (race_cache / "snapshots").iterdir() if not p.name.endswith(".lock"))
        check("racing first runs: one snapshot, no temporary files", len(left) == 1 and left[0].endswith(".snapshot"), str(left))
        made = sum("making the Python snapshot" in e for _, e in outs)
        check("racing first runs: at least one made it", made >= 1, str(outs))

        # 9. Usage errors.
        for argv in (["nosuch"], ["nosuch", "--help"]):
            status, out, err = warden(*argv)
            check(f"`warden {' '.join(argv)}`: exit 125, commands listed",
                  status == 125 and "unknown command" in err and "python" in err and out == "", err)

    passed, failed = results.count(True), results.count(False)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
