"""Builds the workloads natively (gcc -O2) and to Wasm (clang-19 -O2), plus
the startup probes (empty.wasm, hello.wasm, native hello)."""
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent / "workloads"

NATIVE_CC = ["gcc", "-O2", "-Wall", "-Wextra"]
# A reactor with no imports at all: no libc, our own memcpy/memset
# (wasm_support.c), no _start; run() is exported by its export_name attribute.
WASM_CC = ["clang-19", "--target=wasm32-wasi", "-O2", "-Wall", "-Wextra", "-nostdlib", "-ffreestanding",
           "-Wl,--no-entry", "-Wl,-z,stack-size=1048576"]
# The WASI hello is a normal command linked against Debian's wasi-libc.
WASI_CC = ["clang-19", "--target=wasm32-wasi", "-O2"]


@dataclass(frozen=True)
class Built:
    native: Path
    wasm: Path


def _up_to_date(output: Path, inputs) -> bool:
    """True when output is newer than every input, this script (flags) and bench.h."""
    if not output.exists():
        return False
    deps = list(inputs) + [Path(__file__), SOURCE_DIR / "bench.h"]
    return output.stat().st_mtime >= max(Path(d).stat().st_mtime for d in deps)


def _compile(cc, output: Path, sources, extra=()):
    if not _up_to_date(output, sources):
        _run(cc + ["-o", output, *sources, *extra])


def _run(cmd):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(map(str, cmd))}\n{result.stdout}{result.stderr}")


def _check_no_imports(wasm: Path):
    """The reactors must run without WASI: wasm-objdump shows no Import section."""
    dump = subprocess.run(["wasm-objdump", "-h", str(wasm)], capture_output=True, text=True, check=True).stdout
    if "Import" in dump:
        raise SystemExit(f"{wasm} has imports; the benchmark reactors must need none")


def require_tools(names):
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        raise SystemExit(f"missing tools: {', '.join(missing)} (scripts/setup.sh installs them)")


def build_reactor(name: str, out_dir: Path) -> Built:
    source = SOURCE_DIR / f"{name}.c"
    native, wasm = out_dir / name, out_dir / f"{name}.wasm"
    _compile(NATIVE_CC, native, [source, SOURCE_DIR / "native_main.c"], ["-lm"])
    _compile(WASM_CC, wasm, [source, SOURCE_DIR / "wasm_support.c"])
    _check_no_imports(wasm)
    return Built(native, wasm)


def build_hello(out_dir: Path) -> Built:
    source = SOURCE_DIR / "hello.c"
    native, wasm = out_dir / "hello", out_dir / "hello.wasm"
    _compile(NATIVE_CC, native, [source])
    _compile(WASI_CC, wasm, [source])
    return Built(native, wasm)


def build_all(names, out_dir: Path, with_startup: bool):
    """Returns {name: Built} for the workloads, and for "empty"/"hello" when
    with_startup."""
    require_tools(["gcc", "clang-19", "wasm-objdump"])
    out_dir.mkdir(parents=True, exist_ok=True)
    built = {name: build_reactor(name, out_dir) for name in names}
    if with_startup:
        built["empty"] = build_reactor("empty", out_dir)
        built["hello"] = build_hello(out_dir)
    return built
