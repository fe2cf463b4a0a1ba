#!/usr/bin/env python3
"""Where the interpreter's time goes, per internal-op handler.

Runs `warden run --invoke run FILE.wasm N` under callgrind with
per-instruction counts, then maps machine addresses to handlers: the
interpreter's label table (`kLabels` in interpreter.cpp's run(), one address
per InternalOp, in internal_ops.def order) gives each handler's entry, so
the count at an entry address is how many times that handler ran, and the
instructions between one entry and the next are its cost.

  bench/profile_handlers.py --warden build/warden build/bench/nbody.wasm 20000

Needs valgrind, nm and readelf, and a PIE warden built with symbols
(RelWithDebInfo). Slow: callgrind runs about 50x slower than native.
"""
import argparse
import bisect
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def op_names(runtime_dir):
    """InternalOp names in enum order: internal_ops.def, which includes
    numeric_ops.def (NUMERIC entries) and simd_ops.def (SIMD entries). Every
    SIMD op shares one label in the interpreter (op_Simd), so they are all
    named "Simd" and their counts add up under that one name."""
    names = []
    text = (runtime_dir / "internal_ops.def").read_text()
    # Families of ops (immediate forms, fused loads) are X-macro lists
    # expanded where used: "WARDEN_IMM_OPS(WARDEN_IMM_OP)" with
    # "#define WARDEN_IMM_OP(name) OP(name##Imm, ...)".
    lists = {m.group(1): re.findall(r"X\((\w+)\)", m.group(2))
             for m in re.finditer(r"#define (WARDEN_\w+_OPS)\(X\)((?:.*\\\n)*.*)", text)}
    # "#define WARDEN_X_OP(name) OP(name##Loop, ..." or OP(I32AddImm##name##Loop, ...
    templates = dict(re.findall(r"#define (WARDEN_\w+_OP)\(name\) OP\(([\w#]+),", text))
    for line in text.splitlines():
        if m := re.match(r"(WARDEN_\w+_OPS)\((WARDEN_\w+_OP)\)$", line):
            template = templates[m.group(2)]
            names += [re.sub(r"\bname\b", n, template).replace("##", "") for n in lists[m.group(1)]]
        elif line.startswith('#include "runtime/numeric_ops.def"'):
            names += re.findall(r"^NUMERIC\((\w+),", (runtime_dir / "numeric_ops.def").read_text(), re.M)
        elif line.startswith('#include "runtime/simd_ops.def"'):
            names += ["Simd"] * len(re.findall(r"^SIMD\(\w+,", (runtime_dir / "simd_ops.def").read_text(), re.M))
        elif m := re.match(r"OP\((\w+),", line):
            names.append(m.group(1))
    return names


def _symbols(warden):
    out = subprocess.run(["nm", "-S", "--defined-only", warden], capture_output=True, text=True, check=True).stdout
    return [l.split(maxsplit=3) for l in out.splitlines() if len(l.split(maxsplit=3)) == 4]


def label_table(warden):
    """Link-time addresses of the handlers, from kLabels' relocations, and
    the address ranges of the interpreter loop (run() and its .cold part)."""
    symbols = _symbols(warden)
    found = [s for s in symbols if "7kLabels" in s[3]]
    if len(found) != 1:
        raise SystemExit("kLabels not found in the warden binary (built without symbols?)")
    start, size = int(found[0][0], 16), int(found[0][1], 16)
    loop_symbol = found[0][3].split("E7kLabels")[0][len("_ZZ"):]  # the mangled name of run()
    ranges = [(int(s[0], 16), int(s[0], 16) + int(s[1], 16)) for s in symbols
              if s[2] in "tT" and s[3].startswith("_Z" + loop_symbol) and "kLabels" not in s[3]]
    relocs = subprocess.run(["readelf", "-rW", warden], capture_output=True, text=True, check=True).stdout
    targets = {}
    for line in relocs.splitlines():
        parts = line.split()
        if len(parts) >= 4 and "RELATIVE" in parts[2]:
            offset = int(parts[0], 16)
            if start <= offset < start + size:
                targets[(offset - start) // 8] = int(parts[3], 16)
    if not targets:
        # Packed relocations (DT_RELR, -z pack-relative-relocs) keep each
        # addend in place: the table's bytes in the file are the addresses.
        table = _file_bytes(warden, start, size)
        targets = {i: int.from_bytes(table[8 * i:8 * i + 8], "little") for i in range(size // 8)}
    if len(targets) != size // 8 or not any(targets.values()):
        raise SystemExit("kLabels' handler addresses not found: expected a PIE binary")
    return [targets[i] for i in range(size // 8)], ranges


def _file_bytes(path, address, size):
    """The `size` bytes the file holds for link-time `address`."""
    headers = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, check=True).stdout
    for m in re.finditer(r"\]\s+\S+\s+\S+\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)", headers):
        addr, offset, length = (int(g, 16) for g in m.groups())
        if addr <= address < addr + length:
            with open(path, "rb") as f:
                f.seek(offset + address - addr)
                return f.read(size)
    raise SystemExit(f"no section holds address {address:#x}")


def instruction_costs(outfile):
    """({address: Ir}, {(source file, line): {address: Ir}}) of self cost, from
    a callgrind file written with --dump-instr=yes --compress-pos=no
    --compress-strings=no."""
    costs = defaultdict(int)
    by_line = defaultdict(lambda: defaultdict(int))
    source = "?"
    skip_next = False
    for line in Path(outfile).read_text().splitlines():
        if line.startswith(("fl=", "fi=", "fe=")):
            source = line[3:]
        elif line.startswith("fn="):
            pass
        elif line.startswith("calls="):
            skip_next = True  # the next line is the call's inclusive cost
        elif line.startswith("0x"):
            if skip_next:
                skip_next = False
                continue
            parts = line.split()
            addr, ir = int(parts[0], 16), int(parts[-1])
            costs[addr] += ir
            by_line[(source, parts[1])][addr] += ir
    return costs, by_line


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--warden", required=True)
    p.add_argument("--source", default=str(REPO),
                   help="the source tree the warden binary was built from (default: this repo)")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("wasm")
    p.add_argument("arg")
    args = p.parse_args()

    names = op_names(Path(args.source) / "src" / "runtime")
    entries, loop_ranges = label_table(args.warden)
    if len(names) != len(entries):
        raise SystemExit(f"{len(names)} ops in the .def files but {len(entries)} labels in the binary: rebuild warden")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=yes", "--compress-pos=no",
                        "--compress-strings=no", f"--callgrind-out-file={out}",
                        args.warden, "run", "--invoke", "run", args.wasm, args.arg],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        costs, by_line = instruction_costs(out)  # callgrind gives addresses relative to the PIE, as nm does
    total_ir = sum(costs.values())

    # An address inside run() belongs to the nearest handler entry at or below
    # it in the same part (hot or .cold); code before the first entry is the
    # loop's own set-up.
    order = sorted(set(entries))
    runs = {e: costs.get(e, 0) for e in order}
    handler_ir = defaultdict(int)
    shared_ir = 0
    for addr, ir in costs.items():
        part = next(((lo, hi) for lo, hi in loop_ranges if lo <= addr < hi), None)
        if part is None:
            continue
        i = bisect.bisect_right(order, addr) - 1
        # An instruction runs once per execution (Ir == count). One that ran
        # more often than the entry above it is shared code the compiler
        # placed there (e.g. the call sequence behind Call and CallIndirect).
        if i >= 0 and order[i] >= part[0] and ir <= runs[order[i]]:
            handler_ir[order[i]] += ir
        else:
            shared_ir += ir
    by_addr = defaultdict(list)
    for name, e in zip(names, entries):
        if name not in by_addr[e]:  # the SIMD ops: one label, one name
            by_addr[e].append(name)

    dispatched = sum(runs[e] for e in order)
    interp_ir = sum(handler_ir.values()) + shared_ir
    moves = sum(runs[e] for e in order if any(n in ("Move", "Move128") for n in by_addr[e]))
    print(f"total Ir {total_ir:,}; in the interpreter loop {interp_ir:,} ({100 * interp_ir / total_ir:.1f}%), "
          f"of which shared code outside any one handler (call sequence, ...) {shared_ir:,} "
          f"({100 * shared_ir / max(interp_ir, 1):.1f}%)")
    print(f"internal ops executed {dispatched:,}; {interp_ir / max(dispatched, 1):.1f} machine instructions per op")
    print(f"moves {moves:,} = {100 * moves / max(dispatched, 1):.1f}% of ops, "
          f"{moves / max(dispatched - moves, 1):.2f} per non-move op\n")
    print(f"{'handler':28} {'executed':>14} {'% ops':>6} {'Ir':>15} {'% Ir':>6} {'Ir/op':>6}")
    ranked = sorted(order, key=lambda e: handler_ir[e], reverse=True)[: args.top]
    for e in ranked:
        n = runs[e]
        print(f"{'/'.join(by_addr[e])[:28]:28} {n:14,} {100 * n / max(dispatched, 1):6.1f} "
              f"{handler_ir[e]:15,} {100 * handler_ir[e] / max(interp_ir, 1):6.1f} {handler_ir[e] / max(n, 1):6.1f}")

    # Source lines of the loop, for code the label ranges cannot name (shared
    # call/return sequences the compiler placed after some handler's entry).
    in_loop = lambda a: any(lo <= a < hi for lo, hi in loop_ranges)
    lines = [(sum(ir for a, ir in addrs.items() if in_loop(a)), f"{Path(src).name}:{ln}")
             for (src, ln), addrs in by_line.items()]
    print(f"\nhottest source lines inside the interpreter loop:")
    for ir, where in sorted(lines, reverse=True)[: args.top]:
        if ir:
            print(f"  {where:40} {ir:15,} {100 * ir / max(interp_ir, 1):6.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
