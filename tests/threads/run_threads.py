#!/usr/bin/env python3
"""Guest threads through `warden run`: family.wat's scenarios, each asserting
what the sandbox printed, how it ended and that it ended in time (a thread
left running would keep warden alive, so every run has a deadline).

Usage: run_threads.py --warden PATH --wasm FILE
Prints one line per scenario and `N passed, N failed` last.
"""
import argparse
import re
import subprocess
import sys
import time

CRASH_SIGNS = re.compile(r'AddressSanitizer|ThreadSanitizer|UndefinedBehaviorSanitizer|runtime error:|'
                         r'Segmentation fault|terminate called|core dumped')

# (name, warden options, export and its arguments, expected stdout, exit code,
#  stderr pattern, seconds allowed)
SCENARIOS = [
    ('8 threads count to 80000 with atomic adds', [], ['count', '8'], '80000\n', 0, None, 30),
    ('thread bomb: --max-threads 5 refuses the 6th (EAGAIN), the sandbox lives',
     ['--max-threads', '5'], ['spawn_until_refused', '5', '1000'], '5\n', 0, None, 30),
    ('default cap: 64 threads, then EAGAIN', [], ['spawn_until_refused', '5', '1000'], '64\n', 0, None, 30),
    ('threads waiting for ever end with the main thread', [], ['spawn_until_refused', '5', '8'], '8\n', 0, None, 30),
    ('threads spinning for ever end with the main thread', [], ['spawn_until_refused', '4', '4'], '4\n', 0, None, 30),
    ('proc_exit in a thread ends the sandbox with its status', [], ['one_then_wait', '2'], '', 7, None, 30),
    ('a trap in a thread ends the sandbox as a trap', [], ['one_then_wait', '3'], '', 134,
     r'warden: trap: unreachable', 30),
    ('--timeout stops every spinning thread', ['--timeout', '300ms'], ['all_spin', '4'], '', 124,
     r'warden: stopped: timeout', 10),
    ('fuel is one budget: spinning threads exhaust it while the main thread waits',
     ['--fuel', '5000000'], ['one_then_wait', '4'], '', 123, r'warden: stopped: .*fuel', 30),
    ('a wait with a 31-year timeout is woken by --timeout', ['--timeout', '200ms'], ['long_wait'], '', 124,
     r'warden: stopped: timeout', 10),
    ('memory grown by a thread counts against the cap for all', ['--max-memory', '4MiB'], ['grow_in_thread'],
     '63\n', 0, None, 30),
]


def run(warden, wasm, options, invoke, deadline):
    cmd = [warden, 'run', *options, '--invoke', invoke[0], wasm, *invoke[1:]]
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=deadline)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - start
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or '', e.stderr or '', time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--warden', required=True)
    ap.add_argument('--wasm', required=True)
    args = ap.parse_args()
    passed = failed = 0
    for name, options, invoke, out, code, err, deadline in SCENARIOS:
        rc, stdout, stderr, seconds = run(args.warden, args.wasm, options, invoke, deadline)
        problems = []
        if rc is None:
            problems.append(f'still running after {deadline} s (killed)')
        else:
            if rc != code:
                problems.append(f'exit {rc}, expected {code}')
            if isinstance(stdout, bytes):
                stdout = stdout.decode(errors='replace')
            if stdout != out:
                problems.append(f'stdout {stdout!r}, expected {out!r}')
        if isinstance(stderr, bytes):
            stderr = stderr.decode(errors='replace')
        if err and not re.search(err, stderr):
            problems.append(f'stderr {stderr.strip()!r} lacks /{err}/')
        if CRASH_SIGNS.search(stderr):
            problems.append(f'host trouble: {stderr.strip()[:300]!r}')
        if problems:
            failed += 1
            print(f'FAIL {name}: ' + '; '.join(problems))
        else:
            passed += 1
            print(f'ok   {name} ({seconds:.2f} s)')
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
