#!/usr/bin/env python3
"""Runs the WASI test programs (tests/wasi/NAME.c, built to NAME.wasm) through
`warden run` and compares each one's stdout and exit code with NAME.expected.

Every program gets a fresh empty host directory preopened read-write at
/sandbox. Per-test settings live in the program's header comment:

    // warden-test: flags=--env A=1     extra `warden run` options
    // warden-test: args=one "two words"   guest arguments (shell quoting)
    // warden-test: stdin=text\\n          piped stdin (backslash escapes)
    // warden-test: exit=7                 expected exit code (default 0)

Usage: run_tests.py --warden PATH --wasm-dir DIR --src-dir DIR
                    [--node] [--only NAME...] [--write-expected]
--node runs the programs under Node's node:wasi instead (a reference to check
expectations against); --write-expected records the current outputs.
Prints one line per program and `N passed, N failed` last.
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = re.compile(r'^//\s*warden-test:\s*(\w+)=(.*)$')
# Set in warden's own environment: a guest that sees it has read host env.
HOST_CANARY = ('WARDEN_HOST_CANARY', 'host-environment-leaked')
TIMEOUT_SECONDS = 30  # per program; --timeout for slow (sanitizer) builds


def read_settings(source: Path) -> dict:
    settings = {'flags': [], 'args': [], 'stdin': b'', 'exit': 0}
    for line in source.read_text(encoding='utf-8').splitlines():
        match = HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key in ('flags', 'args'):
            settings[key] = shlex.split(value)
        elif key == 'stdin':
            settings['stdin'] = value.encode('latin-1', 'backslashreplace').decode('unicode_escape').encode('utf-8')
        elif key == 'exit':
            settings['exit'] = int(value)
        else:
            raise ValueError(f'{source.name}: unknown setting {key!r}')
    return settings


def command(runner: list, sandbox: str, settings: dict, wasm: Path) -> list:
    return [*runner, '--dir', f'{sandbox}::/sandbox', *settings['flags'], '--', str(wasm), *settings['args']]


def run_one(runner: list, wasm: Path, settings: dict, timeout: float = TIMEOUT_SECONDS) -> tuple:
    """Returns (stdout text, exit code, stderr text)."""
    env = dict(os.environ)
    env[HOST_CANARY[0]] = HOST_CANARY[1]
    with tempfile.TemporaryDirectory(prefix='warden-wasi-') as sandbox:
        try:
            done = subprocess.run(command(runner, sandbox, settings, wasm), input=settings['stdin'],
                                  capture_output=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return '', None, f'timed out after {timeout:g}s'
    return (done.stdout.decode('utf-8', 'replace'), done.returncode, done.stderr.decode('utf-8', 'replace'))



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--warden', required=True)
    parser.add_argument('--wasm-dir', required=True, type=Path)
    parser.add_argument('--src-dir', required=True, type=Path)
    parser.add_argument('--node', action='store_true', help='run under node:wasi instead of warden')
    parser.add_argument('--only', nargs='*', default=[])
    parser.add_argument('--timeout', type=float, default=TIMEOUT_SECONDS, help='seconds per program')
    parser.add_argument('--write-expected', action='store_true')
    options = parser.parse_args()

    if options.node:
        runner = ['node', '--no-warnings', str(options.src_dir / 'node_run.mjs')]
    else:
        runner = [options.warden, 'run']
    sources = sorted(options.src_dir.glob('*.c'))
    if options.only:
        sources = [s for s in sources if s.stem in options.only]

    passed = failed = 0
    for source in sources:
        name = source.stem
        wasm = options.wasm_dir / f'{name}.wasm'
        expected_file = options.src_dir / f'{name}.expected'
        settings = read_settings(source)
        if not wasm.exists():
            print(f'FAIL {name}: {wasm} was not built')
            failed += 1
            continue
        stdout, code, stderr = run_one(runner, wasm, settings, options.timeout)
        if options.write_expected:
            expected_file.write_text(stdout, encoding='utf-8')
        want = expected_file.read_text(encoding='utf-8') if expected_file.exists() else None
        problems = []
        if want is None:
            problems.append(f'{expected_file.name} is missing')
        elif stdout != want:
            diff = difflib.unified_diff(want.splitlines(), stdout.splitlines(), 'expected', 'actual', lineterm='')
            problems.append('stdout differs:\n    ' + '\n    '.join(diff))
        if code != settings['exit']:
            problems.append(f'exit code {code}, expected {settings["exit"]}')
        if HOST_CANARY[1] in stdout:
            problems.append('the guest saw the host environment')
        if problems:
            failed += 1
            print(f'FAIL {name}')
            for problem in problems:
                print(f'  {problem}')
            if stderr.strip():
                print('  stderr: ' + stderr.strip().replace('\n', '\n          ')[:2000])
        else:
            passed += 1
            print(f'ok   {name}')
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main())
