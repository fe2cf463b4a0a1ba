#!/usr/bin/env python3
"""Warden's security battery: guest programs that try to break a capability
or a limit, each run through `warden run` against a fresh host tree.

For every attack the battery asserts that
  1. the sandbox held: no probe line says ESCAPED, every control works, and
     the run ended as expected (ran to `done`, or was stopped by the named
     limit with its documented exit code and `warden: stopped: ...` line);
  2. the host tree outside the read-write preopen (a secret file next to it,
     an `outside/` tree, the read-only preopen) is unchanged, byte for byte
     and link count for link count, and no secret reached the guest's output;
  3. the host lived: warden exited by itself with a code, no signal, no
     sanitizer report, within the time allowed.

Usage: run_battery.py --warden PATH --wasm-dir DIR [--node] [--only NAME...]
--node runs the same programs under Node's node:wasi, which does not enforce
capabilities: useful to see that the battery does catch escapes.
Prints one line per attack and `N passed, N failed` last.
"""
import argparse
import hashlib
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

# How `warden run` ends a guest that hit a limit or trapped (`warden run
# --help`, docs/WASI.md): exit code and stderr line. Kept in one place so the
# battery follows the documentation.
STOP_EXIT_CODE = {'memory': 120, 'write': 121, 'output': 122, 'fuel': 123, 'timeout': 124}
STOP_MESSAGE = {
    'memory': r'warden: stopped: memory',
    'write': r'warden: stopped: .*write',
    'output': r'warden: stopped: .*output',
    'fuel': r'warden: stopped: .*fuel',
    'timeout': r'warden: stopped: timeout',
}
TRAP_EXIT_CODE = 134
TRAP_MESSAGE = r'warden: trap: '
CRASH_SIGNS = re.compile(r'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|Segmentation fault|'
                         r'terminate called|Assertion .* failed|core dumped')


@dataclass
class Run:
    code: Optional[int]  # None: killed as hung
    stdout: str
    stderr: str
    seconds: float
    stdout_bytes: int


@dataclass
class Attack:
    name: str
    program: str
    args: list = field(default_factory=list)   # '{root}' is replaced by the host tree's path
    flags: list = field(default_factory=list)  # extra `warden run` options
    ends: str = 'done'        # 'done' | 'stop:KIND' | 'trap' | 'done_or_trap'
    check: Optional[Callable] = None           # check(run, root) -> list of problems
    during: Optional[Callable] = None          # during(root, stop_event): host-side work while it runs
    max_seconds: float = 10.0  # longer fails the attack; a run is killed after twice this (a hang)


class HostTree:
    """ROOT/{secret.txt, outside/, ro/, sandbox/} with a fresh secret token."""

    def __init__(self, base: Path):
        self.root = base
        self.secret = 'SECRET-' + secrets.token_hex(12)
        (base / 'secret.txt').write_text(self.secret + '\n')
        outside = base / 'outside'
        (outside / 'subdir').mkdir(parents=True)
        (outside / 'sub').mkdir()
        (outside / 'emptydir').mkdir()
        (outside / 'file.txt').write_text(self.secret + ' outside\n')
        (outside / 'probe.txt').write_text(self.secret)
        (outside / 'subdir' / 'deep.txt').write_text(self.secret + ' deep\n')
        ro = base / 'ro'
        (ro / 'rodir').mkdir(parents=True)
        (ro / 'emptydir').mkdir()
        (ro / 'readme.txt').write_text('read me\n')
        (ro / 'rodir' / 'keep.txt').write_text('keep\n')
        sandbox = base / 'sandbox'
        (sandbox / 'sub').mkdir(parents=True)
        (sandbox / 'inside.txt').write_text('inside\n')
        os.symlink(base / 'secret.txt', sandbox / 'pre_abs')
        os.symlink(base / 'outside', sandbox / 'pre_abs_dir')
        os.symlink('../secret.txt', sandbox / 'pre_rel')
        os.symlink('../outside', sandbox / 'pre_rel_dir')
        os.symlink('../../outside/file.txt', sandbox / 'sub' / 'pre_rel2')

    def fingerprint(self) -> dict:
        """Everything outside ROOT/sandbox: type, mode, size, links, mtime, content or target."""
        prints = {}
        for directory, dirs, files in os.walk(self.root, followlinks=False):
            here = Path(directory)
            if here == self.root:
                dirs[:] = [d for d in dirs if d != 'sandbox']
            for name in sorted(dirs + files) + ['.']:
                path = here / name
                if here == self.root and name == 'sandbox':
                    continue
                st = os.lstat(path)
                entry = (st.st_mode, st.st_nlink, st.st_size, st.st_mtime_ns)
                if os.path.islink(path):
                    entry += (os.readlink(path),)
                elif path.is_file():
                    entry += (hashlib.sha256(path.read_bytes()).hexdigest(),)
                elif path.is_dir():
                    entry += (tuple(sorted(os.listdir(path))),)
                prints[str(path.relative_to(self.root))] = entry
        return prints


def run_attack(runner: list, wasm_dir: Path, attack: Attack, tree: HostTree) -> Run:
    root = str(tree.root)
    args = [a.replace('{root}', root) for a in attack.args]
    command = [*runner, '--dir', f'{root}/sandbox::/sandbox', '--ro-dir', f'{root}/ro::/ro',
               *attack.flags, '--', str(wasm_dir / f'{attack.program}.wasm'), *args]
    env = dict(os.environ)
    env['WARDEN_HOST_SECRET'] = tree.secret  # the host's environment must stay invisible
    stop = threading.Event()
    helper = None
    if attack.during:
        helper = threading.Thread(target=attack.during, args=(tree.root, stop), daemon=True)
        helper.start()
    start = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, timeout=2 * attack.max_seconds, env=env,
                              stdin=subprocess.DEVNULL)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as hung:
        code, out, err = None, hung.stdout or b'', hung.stderr or b''
    seconds = time.monotonic() - start
    stop.set()
    if helper:
        helper.join()
    return Run(code, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace'), seconds, len(out))


def judge(attack: Attack, run: Run, tree: HostTree, before: dict) -> list:
    problems = []
    # 3. The host lived.
    if run.code is None:
        problems.append(f'warden hung: killed after {2 * attack.max_seconds:.0f}s')
    elif run.code < 0:
        problems.append(f'warden died from signal {-run.code}')
    if CRASH_SIGNS.search(run.stderr):
        problems.append('crash report on stderr')
    if run.seconds > attack.max_seconds:
        problems.append(f'took {run.seconds:.1f}s, more than {attack.max_seconds}s')
    # 2. The host tree is unchanged and no secret leaked.
    after = tree.fingerprint()
    changed = sorted(set(before) ^ set(after) | {p for p in before if p in after and before[p] != after[p]})
    if changed:
        problems.append('host tree changed outside the preopen: ' + ', '.join(changed[:8]))
    if tree.secret in run.stdout or tree.secret in run.stderr:
        problems.append('a secret from outside the sandbox reached the guest')
    # 1. The sandbox held.
    lines = run.stdout.splitlines()
    escaped = [line for line in lines if 'ESCAPED' in line]
    failed_controls = [line for line in lines if line.startswith('control ') and 'FAILED' in line]
    problems += [f'escaped: {line}' for line in escaped[:10]]
    problems += [f'control failed: {line}' for line in failed_controls[:10]]
    ran_to_end = run.code == 0 and lines[-1:] == ['done']
    trapped = run.code == TRAP_EXIT_CODE and re.search(TRAP_MESSAGE, run.stderr)
    if attack.ends == 'done':
        if not ran_to_end:
            problems.append(f'expected a normal end (exit 0, "done"), got exit {run.code}')
    elif attack.ends == 'done_or_trap':
        if not (ran_to_end or trapped):
            problems.append(f'expected a normal end or a trap, got exit {run.code}')
    elif attack.ends == 'trap':
        if not trapped:
            problems.append(f'expected a trap (exit {TRAP_EXIT_CODE}, trap message), got exit {run.code}')
    elif attack.ends.startswith('stop:'):
        kind = attack.ends[5:]
        if run.code != STOP_EXIT_CODE[kind] or not re.search(STOP_MESSAGE[kind], run.stderr):
            problems.append(f'expected stop by the {kind} limit (exit {STOP_EXIT_CODE[kind]}, '
                            f'"{STOP_MESSAGE[kind]}"), got exit {run.code}')
    if attack.check is None and ran_to_end and not any(line.startswith('probe ') for line in lines):
        problems.append('no probe ran')
    if attack.check:
        problems += attack.check(run, tree.root)
    return problems


# ---- attack-specific checks and host-side helpers ----

def race_swapper(root: Path, stop: threading.Event) -> None:
    """Swaps sandbox/swap between a real directory and symlinks to outside/
    (relative and absolute) as fast as it can, until the guest is done."""
    sandbox = root / 'sandbox'
    real = sandbox / 'swap_real'
    (real / 'sub').mkdir(parents=True)
    (real / 'probe.txt').write_text('inside')
    os.symlink('../outside', sandbox / 'swap_rel')
    os.symlink(root / 'outside', sandbox / 'swap_abs')
    os.rename(real, sandbox / 'swap')
    parked = {'real': real, 'rel': sandbox / 'swap_rel', 'abs': sandbox / 'swap_abs'}
    current = 'real'
    order = ['rel', 'real', 'abs', 'real']
    i = 0
    while not stop.is_set():
        nxt = order[i % len(order)]
        i += 1
        os.rename(sandbox / 'swap', parked[current])
        os.rename(parked[nxt], sandbox / 'swap')
        current = nxt


def leak_check(run: Run, root: Path) -> list:
    want = ['env [ALLOWED=1]', 'arg [only-this]']
    got = [line for line in run.stdout.splitlines() if line.startswith(('env ', 'arg '))]
    problems = [] if got == want else [f'guest saw {got}, expected exactly {want}']
    if 'preopen fd 3' not in run.stdout or 'preopen fd 4' not in run.stdout or 'preopen fd 5' in run.stdout:
        problems.append('expected exactly the two preopens (fds 3 and 4)')
    return problems


def pages_at_most(limit_pages: int) -> Callable:
    def check(run: Run, root: Path) -> list:
        m = re.search(r'memory pages: (\d+)', run.stdout)
        if not m:
            return ['no memory size reported']
        pages = int(m.group(1))
        if pages > limit_pages:
            return [f'memory reached {pages} pages, over the {limit_pages}-page cap']
        if pages < limit_pages // 2:
            return [f'memory stopped at {pages} pages, far below the {limit_pages}-page cap']
        return []
    return check


def output_near(limit: int) -> Callable:
    def check(run: Run, root: Path) -> list:
        if run.stdout_bytes > limit:
            return [f'{run.stdout_bytes} bytes of output delivered, over the {limit}-byte limit']
        if run.stdout_bytes < limit - 64 * 1024:
            return [f'only {run.stdout_bytes} bytes delivered before the stop (limit {limit})']
        return []
    return check


def write_flood_check(limit: int) -> Callable:
    def check(run: Run, root: Path) -> list:
        big = root / 'sandbox' / 'big.bin'
        size = big.stat().st_size if big.exists() else -1
        problems = [] if 0 <= size <= limit else [f'big.bin is {size} bytes, limit {limit}']
        stopped = run.code == STOP_EXIT_CODE['write'] and re.search(STOP_MESSAGE['write'], run.stderr)
        refused = run.code == 0 and 'probe write flood: blocked' in run.stdout
        if not (stopped or refused):
            problems.append(f'neither stopped by the write limit nor refused a write (exit {run.code})')
        return problems
    return check


def fds_at_most(limit: int) -> Callable:
    def check(run: Run, root: Path) -> list:
        m = re.search(r'blocked after (\d+) more descriptors', run.stdout)
        if not m:
            return ['no descriptor count reported']
        return [] if int(m.group(1)) <= limit else [f'{m.group(1)} descriptors opened, limit {limit}']
    return check


def output_contains(text: str) -> Callable:
    def check(run: Run, root: Path) -> list:
        return [] if text in run.stdout else [f'output before the stop lost (no "{text}")']
    return check


def stderr_contains(text: str) -> Callable:
    def check(run: Run, root: Path) -> list:
        return [] if text in run.stderr else [f'stderr does not say "{text}"']
    return check


def attacks() -> list:
    escape = lambda group: Attack(f'escape: {group}', 'escape', [group, '{root}'])
    return [
        escape('dotdot'),
        escape('absolute'),
        escape('symlink_absolute'),
        escape('symlink_relative'),
        escape('symlink_loops'),
        escape('hard_links'),
        escape('renames'),
        escape('modify_outside'),
        escape('long_paths'),
        escape('nul_paths'),
        Attack('escape: bad_pointers', 'escape', ['bad_pointers', '{root}'], ends='done_or_trap'),
        Attack('escape: rename race', 'race', ['1500'], during=race_swapper),
        Attack('read-only dir', 'readonly'),
        Attack('host environment', 'leak', ['only-this'], flags=['--env', 'ALLOWED=1'], check=leak_check),
        Attack('memory: malloc until NULL (64M)', 'limits', ['malloc'], flags=['--max-memory', '64M'],
               check=pages_at_most(1024)),
        Attack('memory: memory.grow bomb (64M)', 'limits', ['grow'], flags=['--max-memory', '64M'],
               check=pages_at_most(1024)),
        Attack('time: spin with --timeout 1s', 'limits', ['spin'], flags=['--timeout', '1s'],
               ends='stop:timeout', check=output_contains('spinning'), max_seconds=6),
        Attack('fuel: spin with --fuel', 'limits', ['spin'], flags=['--fuel', '5000000'],
               ends='stop:fuel', check=output_contains('spinning')),
        Attack('output flood with --max-output 1M', 'limits', ['flood'], flags=['--max-output', '1M'],
               ends='stop:output', check=output_near(1 << 20)),
        Attack('file write flood with --max-write 1M', 'limits', ['write_flood'], flags=['--max-write', '1M'],
               ends='any', check=write_flood_check(1 << 20)),
        Attack('fd exhaustion with --max-fds 32', 'limits', ['fds'], flags=['--max-fds', '32'],
               check=fds_at_most(32)),
        Attack('deep recursion', 'limits', ['recurse'], ends='trap', check=stderr_contains('call stack exhausted')),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--warden', required=True)
    parser.add_argument('--wasm-dir', required=True, type=Path)
    parser.add_argument('--node', action='store_true', help='run under node:wasi (enforces nothing)')
    parser.add_argument('--only', nargs='*', default=[], help='substrings of attack names')
    parser.add_argument('--verbose', action='store_true', help='print each run\'s output')
    options = parser.parse_args()
    if options.node:
        runner = ['node', '--no-warnings', str(Path(__file__).resolve().parent.parent / 'wasi' / 'node_run.mjs')]
    else:
        runner = [options.warden, 'run']

    passed = failed = 0
    started = time.monotonic()
    for attack in attacks():
        if options.only and not any(s in attack.name for s in options.only):
            continue
        with tempfile.TemporaryDirectory(prefix='warden-security-') as base:
            tree = HostTree(Path(base))
            before = tree.fingerprint()
            run = run_attack(runner, options.wasm_dir, attack, tree)
            problems = judge(attack, run, tree, before)
        probes = sum(1 for line in run.stdout.splitlines() if line.startswith('probe '))
        outcome = f'exit {run.code}, {probes} probes, {run.seconds:.2f}s'
        stop_line = next((l for l in run.stderr.splitlines() if l.startswith('warden:')), '')
        if stop_line:
            outcome += f', "{stop_line[:80]}"'
        if problems:
            failed += 1
            print(f'FAIL {attack.name}: {outcome}')
            for problem in problems:
                print(f'     {problem}')
        else:
            passed += 1
            print(f'ok   {attack.name}: {outcome}')
        if options.verbose or problems:
            for line in run.stdout.splitlines()[:60]:
                print(f'       | {line[:160]}')
            for line in run.stderr.splitlines()[:10]:
                print(f'       ! {line[:160]}')
    print(f'battery took {time.monotonic() - started:.1f}s')
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main())
