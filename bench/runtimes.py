"""How each runtime is started, and how its printed result is read.

A runtime turns (built workload, argument) into a command line. Native runs
the gcc binary; warden, node and wasm3 run the same .wasm file."""
import os
import re
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

NODE_RUNNER = Path(__file__).resolve().parent / "node_run.mjs"


@dataclass(frozen=True)
class Runtime:
    name: str
    program: str  # the executable ("" for native, which runs the workload binary itself)

    def invoke(self, built, arg):
        """Command that calls run(arg) and prints its i32 result."""
        if self.name == "native":
            return [str(built.native), str(arg)]
        if self.name.startswith("warden"):  # warden, or warden-baseline (another build)
            return [self.program, "run", "--invoke", "run", str(built.wasm), str(arg)]
        if self.name == "node":
            return [self.program, "--no-warnings", str(NODE_RUNNER), str(built.wasm), "--invoke", "run", str(arg)]
        if self.name == "wasm3":
            # wasm3 prints "Result: N" on stderr; fold it into stdout (a
            # shell's start, ~1 ms, is noise next to the workloads' 0.2 s+).
            return ["sh", "-c", 'exec "$0" "$@" 2>&1', self.program, "--func", "run", str(built.wasm), str(arg)]
        raise ValueError(self.name)

    def command(self, built):
        """Command that runs a WASI command module (hello) from _start."""
        if self.name == "native":
            return [str(built.native)]
        if self.name.startswith("warden"):
            return [self.program, "run", str(built.wasm)]
        if self.name == "node":
            return [self.program, "--no-warnings", str(NODE_RUNNER), str(built.wasm)]
        if self.name == "wasm3":
            return [self.program, str(built.wasm)]
        raise ValueError(self.name)


@dataclass(frozen=True)
class Outcome:
    seconds: float      # wall time
    cpu_seconds: float  # user + system time of the process (all its threads)
    ok: bool
    stdout: str
    detail: str  # why it failed (exit status and stderr), "" when ok


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(cmd, timeout=600) -> Outcome:
    """Wall and CPU time of cmd, measured around its spawn and exit. CPU time
    is the change in reaped children's rusage (this runner starts one child
    at a time); on a loaded machine it moves less than wall time."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Outcome(time.perf_counter() - start, 0.0, False, "", f"timed out after {timeout}s")
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or [""])[-1]
        return Outcome(seconds, cpu, False, proc.stdout, f"exit {proc.returncode}: {err}")
    return Outcome(seconds, cpu, True, proc.stdout, "")


def spawn_seconds(cmd):
    """(wall seconds, exit status) of cmd started with posix_spawn, output to
    /dev/null. For startup figures: subprocess.run adds about 1 ms of its own
    on this machine (1.8 ms vs 0.78 ms for a native hello), posix_spawn
    almost nothing."""
    null_out = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=null_out)
    _, status = os.waitpid(pid, 0)
    return time.perf_counter() - start, os.waitstatus_to_exitcode(status)


_INTEGER = re.compile(r"-?\d+")


def checksum_of(stdout: str):
    """The last integer printed (wasm3 prints "Result: N"), as a signed i32."""
    found = _INTEGER.findall(stdout)
    if not found:
        return None
    value = int(found[-1]) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value
