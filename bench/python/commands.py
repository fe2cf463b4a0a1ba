"""Command lines that run a Python script, or `-c CODE`, under each runtime:
native CPython 3.11, `warden python` and node:wasi (python/node-run.mjs),
the last two on the same python.wasm from the recipe (python/build.sh)."""
import subprocess
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SOURCE_DIR = BENCH_DIR.parent.parent
GUEST_DIR = "/bench"   # where bench/python is preopened (read-only) in the guest
NATIVE_PYTHON = "/usr/bin/python3.11"
NODE_RUNNER = SOURCE_DIR / "python" / "node-run.mjs"


def python_home():
    """The recipe's output directory (builds it on first use)."""
    result = subprocess.run([str(SOURCE_DIR / "python" / "build.sh"), "--print-dir"],
                            check=True, stdout=subprocess.PIPE, text=True)
    return result.stdout.strip().splitlines()[-1]


@dataclass(frozen=True)
class Runtime:
    name: str      # native, warden, warden-baseline or node
    program: str   # python3.11, the warden binary, or node
    home: str      # the recipe's output (unused by native)

    def python(self, python_args, pass_home=True):
        """Command for `python PYTHON_ARGS...`. pass_home=False leaves warden to
        find the recipe itself (python/build.sh --print-dir), as a user's
        plain `warden python` does."""
        if self.name == "native":
            return [self.program, *python_args]
        if self.name.startswith("warden"):  # warden, or warden-baseline (another build)
            home = ["--python-home", self.home] if pass_home else []
            return [self.program, "python", *home, "--ro-dir", f"{BENCH_DIR}::{GUEST_DIR}", "--", *python_args]
        if self.name == "node":
            return [self.program, str(NODE_RUNNER), "--home", self.home,
                    "--dir", f"{BENCH_DIR}::{GUEST_DIR}", "--", *python_args]
        raise ValueError(self.name)

    def script(self, script, *args):
        """Command that runs bench/python/SCRIPT with ARGS."""
        directory = BENCH_DIR if self.name == "native" else GUEST_DIR
        return self.python([f"{directory}/{script}", *map(str, args)])
