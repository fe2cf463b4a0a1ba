"""Medians, ratios to native, geometric means, and the printed tables
(aligned text, or Markdown for docs/PERFORMANCE.md)."""
import math
import statistics


def median(values):
    return statistics.median(values) if values else math.nan


def geomean(values):
    values = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else math.nan


def format_table(header, rows, markdown):
    """rows: lists of strings; the first column is left-aligned, the others right."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|---|" + "---:|" * (len(header) - 1)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def line(row):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "  ".join(cells).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def ratio_table(samples, workloads, runtimes, unit, markdown):
    """samples[(workload, runtime)] -> list of seconds. Medians per runtime,
    then each non-native runtime's ratio to native and their geometric mean."""
    others = [r for r in runtimes if r != "native"]
    header = ["workload", *[f"{r} s" for r in runtimes], *[f"{r}/native" for r in others]]
    rows, ratios = [], {r: [] for r in others}
    for name in workloads:
        medians = {r: median(samples.get((name, r), [])) for r in runtimes}
        row = [name, *[f"{medians[r]:.3f}" for r in runtimes]]
        for r in others:
            ratio = medians[r] / medians["native"] if medians.get("native") else math.nan
            ratios[r].append(ratio)
            row.append(f"{ratio:.2f}x")
        rows.append(row)
    if others:
        rows.append(["geomean", *[""] * len(runtimes), *[f"{geomean(ratios[r]):.2f}x" for r in others]])
    return f"{unit}\n" + format_table(header, rows, markdown)
