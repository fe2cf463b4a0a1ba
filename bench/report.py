"""Medians, ratios to native, geometric means, and the printed tables."""
import math
import statistics


def median(values):
    return statistics.median(values) if values else float("nan")


def geomean(values):
    values = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def _table(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    fmt = lambda row: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def workload_table(workloads, runtimes, times, markdown=False):
    """times[(workload, runtime)] = list of seconds. Median seconds per runtime,
    then each Wasm runtime's ratio to native, then the geometric mean row."""
    wasm_runtimes = [r for r in runtimes if r != "native"]
    header = ["workload"] + [f"{r} s" for r in runtimes] + [f"{r}/native" for r in wasm_runtimes]
    rows, ratios = [], {r: [] for r in wasm_runtimes}
    for w in workloads:
        med = {r: median(times[(w, r)]) for r in runtimes}
        row = [w] + [f"{med[r]:.3f}" for r in runtimes]
        for r in wasm_runtimes:
            ratio = med[r] / med["native"]
            ratios[r].append(ratio)
            row.append(f"{ratio:.2f}x")
        rows.append(row)
    rows.append(["geomean"] + [""] * len(runtimes) + [f"{geomean(ratios[r]):.2f}x" for r in wasm_runtimes])
    return _table(header, rows, markdown)


def startup_table(cases, times, markdown=False):
    """cases: [(label, command text)]; times[label] = list of seconds (or an error string)."""
    header = ["startup (whole process)", "median ms", "min ms", "command"]
    rows = []
    for label, command in cases:
        t = times[label]
        if isinstance(t, str):
            rows.append([label, "n/a", "n/a", f"{command}  ({t})"])
        else:
            rows.append([label, f"{median(t) * 1e3:.2f}", f"{min(t) * 1e3:.2f}", command])
    return _table(header, rows, markdown)
