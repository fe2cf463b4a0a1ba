"""The benchmark workloads: each is bench/workloads/NAME.c exporting run(n).

`size` is the argument used for timing (native gcc -O2 takes roughly
0.2-0.4 s on the reference machine), `smoke` a tiny argument for the ctest
correctness check. The expected checksums are what run() returns for those
arguments; every runtime must print them (signed 32-bit, as Wasm i32).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Workload:
    name: str
    size: int
    size_checksum: int
    smoke: int
    smoke_checksum: int
    what: str


WORKLOADS = [
    Workload("fib", 40, 102334155, 20, 6765, "recursive fib(n): calls and returns"),
    Workload("sha256", 320, 910629573, 1, -139239023, "SHA-256 of a 256 KiB buffer, n rounds"),
    Workload("nbody", 8_000_000, -1544396004, 1000, -1583880690, "5-body simulation, n steps (f64, sqrt)"),
    Workload("sort", 32, -2002584284, 1, 933662751, "quicksort + merge sort of n*65536 ints"),
    Workload("coremix", 16_000, 59268, 20, 25150, "linked list, 20x20 matrix, state machine, CRC-16"),
]


def by_name(names):
    """The workloads named (all when names is empty), in table order."""
    if not names:
        return list(WORKLOADS)
    known = {w.name: w for w in WORKLOADS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown workload(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]
