"""The Python workload table: script, timing size, smoke size, and the line
each must print at those sizes (its self-checks passed and its result is the
one native CPython 3.11 computes). The trailing "kernel_s=..." and
"kernel_cpu_s=..." fields, the in-script wall and CPU time of the timed part,
are not part of the expected line."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Workload:
    name: str
    script: str     # file in bench/python/
    size: int       # timing size: about 0.05-0.1 s of CPU under native python3.11
    smoke_size: int
    expected: str   # output at `size`, without kernel_s
    smoke_expected: str

    def result_of(self, stdout):
        """The printed result line without its timing field, or None."""
        lines = [line for line in stdout.splitlines() if line.startswith(self.name + " ")]
        if len(lines) != 1:
            return None
        return " ".join(f for f in lines[0].split() if not f.startswith("kernel_"))

    def kernel_seconds(self, stdout, field="kernel_s"):
        """The in-script time printed as FIELD=SECONDS (kernel_s: wall,
        kernel_cpu_s: CPU), or None."""
        for item in stdout.split():
            if item.startswith(field + "="):
                return float(item.split("=", 1)[1])
        return None


WORKLOADS = [
    Workload("proc_loop", "proc_loop.py", 120000, 500,
             "proc_loop 3510148510", "proc_loop 2834859156"),
    Workload("scheduler", "scheduler.py", 12000, 100,
             "scheduler 534677811", "scheduler 1759592585"),
    Workload("nbody", "nbody.py", 30000, 1000,
             "nbody -0.169075164 -0.169020695", "nbody -0.169075164 -0.169087605"),
    Workload("json_roundtrip", "json_roundtrip.py", 3000, 50,
             "json_roundtrip 482924 838971 1834442292", "json_roundtrip 7833 13798 1644764108"),
    Workload("regex", "regex.py", 6000, 100,
             "regex 47537835", "regex 778248"),
]

BY_NAME = {w.name: w for w in WORKLOADS}
