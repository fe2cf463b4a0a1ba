"""Starting one process and measuring it: wall time around spawn and exit,
CPU time (user + system of the process and all its threads) from wait4."""
import os
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    wall: float      # seconds
    cpu: float       # seconds, user + system
    status: int      # exit status (negative: killed by that signal)
    stdout: str
    stderr: str


def spawn(cmd, env=None, capture=True):
    """Runs cmd to completion with posix_spawn (no shell, no extra Python
    between spawn and exit, so startup figures are not inflated). Output
    goes to temporary files when captured, else to /dev/null."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        if capture:
            actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        else:
            actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                       (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
        actions.append((os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
        start = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, os.environ if env is None else env, file_actions=actions)
        _, wait_status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(wait_status),
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))
