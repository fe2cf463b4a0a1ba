"""JSON round trip: generate a nested document (records with strings,
numbers, floats, booleans, nulls, lists, non-ASCII text), serialise it with
json.dumps in two styles and parse it back with json.loads.

    python json_roundtrip.py [RECORDS]

Prints "json_roundtrip <checksum>" and exits 1 if a parsed document differs
from the original.
"""
import json
import sys
import time

WORDS = ("alpha", "beta", "gamma", "delta", "épsilon", "zeta", "ηta", "theta",
         "quote\"d", "back\\slash", "tab\there", "日本")


class Lcg:
    def __init__(self, seed):
        self.state = seed

    def next(self, bound):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & (2 ** 64 - 1)
        return (self.state >> 33) % bound


def make_document(records, rng):
    items = []
    for i in range(records):
        words = [WORDS[rng.next(len(WORDS))] for _ in range(1 + rng.next(4))]
        items.append({
            "id": i,
            "name": " ".join(words),
            "score": rng.next(1_000_000) / 1000.0,
            "big": rng.next(2 ** 31) * 2 ** 20 - 2 ** 40,
            "active": rng.next(2) == 1,
            "parent": None if i == 0 else rng.next(i),
            "tags": words[:2],
            "point": {"x": rng.next(1000) - 500, "y": rng.next(1000) - 500},
        })
    return {"version": 3, "source": "warden-bench", "items": items}


def main():
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    document = make_document(records, Lcg(2024))
    start, start_cpu = time.perf_counter(), time.process_time()
    compact = json.dumps(document, separators=(",", ":"))
    pretty = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    from_compact = json.loads(compact)
    from_pretty = json.loads(pretty)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    # Self-checks: both texts parse back to the same document.
    if from_compact != document or from_pretty != document:
        sys.exit("json_roundtrip: a round trip changed the document")
    if json.dumps(from_compact, separators=(",", ":")) != compact:
        sys.exit("json_roundtrip: re-serialising gave different text")
    checksum = 0
    for ch in compact[::7]:
        checksum = (checksum * 131 + ord(ch)) & 0xFFFFFFFF
    print(f"json_roundtrip {len(compact)} {len(pretty.encode())} {checksum} kernel_s={elapsed:.4f} kernel_cpu_s={elapsed_cpu:.4f}")


main()
