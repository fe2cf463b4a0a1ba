"""Regular expressions: compile a handful of patterns, then findall, finditer
with groups, sub with a function and split over generated log-like text
whose contents are known, so every count can be checked.

    python regex.py [LINES]

Prints "regex <checksum>" and exits 1 if a count is wrong.
"""
import re
import sys
import time

USERS = ("ada", "grace", "linus", "barbara", "ken", "margaret", "dennis")
HOSTS = ("example.org", "mail.test", "uni.edu")
FILLER = ("request", "served", "cache", "miss", "retry", "ok", "timeout", "queued")


def make_text(lines):
    """The text, and how many dates, addresses and durations it holds."""
    state = 7
    out = []
    dates = addresses = durations = 0
    for i in range(lines):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        parts = [f"{2000 + state % 25:04d}-{1 + state % 12:02d}-{1 + state % 28:02d}"]
        dates += 1
        parts.extend(FILLER[(state >> k) % len(FILLER)] for k in (3, 7, 11))
        if state & 1:
            parts.append(f"{USERS[state % len(USERS)]}.{i}@{HOSTS[state % len(HOSTS)]}")
            addresses += 1
        if state & 2:
            parts.append(f"took {state % 997}ms")
            durations += 1
        parts.append(f"id={state:x}")
        out.append(" ".join(parts))
    return "\n".join(out) + "\n", dates, addresses, durations


def main():
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    text, dates, addresses, durations = make_text(lines)
    start, start_cpu = time.perf_counter(), time.process_time()
    date_re = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
    mail_re = re.compile(r"[\w.+-]+@(?P<host>[\w-]+(?:\.[\w-]+)+)")
    took_re = re.compile(r"took (\d+)ms")
    word_re = re.compile(r"\b(?:cache|miss|retry)\b", re.IGNORECASE)

    found_dates = date_re.findall(text)
    hosts = {}
    for match in mail_re.finditer(text):
        hosts[match.group("host")] = hosts.get(match.group("host"), 0) + 1
    total_ms = sum(int(ms) for ms in took_re.findall(text))
    shouted = word_re.sub(lambda m: m.group(0).upper(), text)
    redacted = mail_re.sub("<mail>", text)
    fields = re.split(r"[ \n=]+", text)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    # Self-checks against what the generator put in.
    if len(found_dates) != dates or any(not 1 <= int(m) <= 12 for _, m, _ in found_dates):
        sys.exit(f"regex: {len(found_dates)} dates, expected {dates}")
    if sum(hosts.values()) != addresses or not set(hosts) <= set(HOSTS):
        sys.exit(f"regex: {sum(hosts.values())} addresses, expected {addresses}")
    if redacted.count("<mail>") != addresses or len(took_re.findall(text)) != durations:
        sys.exit("regex: sub or findall miscounted")
    if shouted.lower() != text.lower():
        sys.exit("regex: sub changed more than the case")
    checksum = (total_ms * 31 + len(fields) * 7 + len(redacted) + shouted.count("RETRY")) & 0xFFFFFFFF
    print(f"regex {checksum} kernel_s={elapsed:.4f} kernel_cpu_s={elapsed_cpu:.4f}")


main()
