"""A pystone-like loop: procedure calls, record fields, small strings, list
indexing and globals, in the proportions of a classic integer benchmark.
Written for Warden; not derived from pystone.

    python proc_loop.py [ROUNDS]

Prints "proc_loop <checksum>" and exits 1 if a self-check fails.
"""
import sys
import time

KIND_CASH, KIND_CARD, KIND_LOAN = 0, 1, 2
CODES = ("DEPOSIT", "WITHDRAW", "TRANSFER", "FEE")

ledger_total = 0   # globals, as a procedural program keeps them
tag_seen = "A"


class Account:
    __slots__ = ("ident", "kind", "balance", "label", "peer")

    def __init__(self, ident, kind, balance, label):
        self.ident = ident
        self.kind = kind
        self.balance = balance
        self.label = label
        self.peer = None


def classify(amount):
    if amount < 10:
        return KIND_CASH
    if amount < 100:
        return KIND_CARD
    return KIND_LOAN


def move(source, target, amount):
    source.balance -= amount
    target.balance += amount
    return source.balance >= 0


def pick_code(step):
    code = CODES[step & 3]
    return code if code[0] != "F" else code.lower()


def same_prefix(left, right):
    return left[:3] == right[:3]


def fill_grid(grid, row, value):
    cells = grid[row]
    for col in range(len(cells)):
        cells[col] = value + col
    grid[(row + 1) % len(grid)][row % len(cells)] += 1
    return cells[-1]


def bump_tag(code):
    global tag_seen
    if code > tag_seen:
        tag_seen = code
    return ord(code[0])


def one_round(step, accounts, history, grid):
    global ledger_total
    first = accounts[step % len(accounts)]
    second = first.peer
    amount = (step * 7 + 3) % 150
    kind = classify(amount)
    if kind == first.kind:
        ledger_total += 1
    solvent = move(first, second, amount)
    if not solvent:
        move(second, first, amount)
    code = pick_code(step)
    history[step & 63] = code
    matched = same_prefix(code, history[(step - 1) & 63])
    corner = fill_grid(grid, step & 7, amount)
    mark = bump_tag(code)
    label = first.label + "/" + code
    return (1 if matched else 0) + corner + mark + len(label)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 120000
    accounts = [Account(i, i % 3, 1000 + i, f"acct{i:03d}") for i in range(16)]
    for i, account in enumerate(accounts):
        account.peer = accounts[(i * 5 + 1) % len(accounts)]
    history = ["DEPOSIT"] * 64
    grid = [[0] * 8 for _ in range(8)]
    opening = sum(a.balance for a in accounts)

    start, start_cpu = time.perf_counter(), time.process_time()
    checksum = 0
    for step in range(rounds):
        checksum = (checksum * 31 + one_round(step, accounts, history, grid)) & 0xFFFFFFFF
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    # Self-checks: transfers conserve money and every balance stays solvent.
    if sum(a.balance for a in accounts) != opening:
        sys.exit("proc_loop: money was created or lost")
    if any(a.balance < 0 for a in accounts):
        sys.exit("proc_loop: an account went negative")
    if tag_seen != "fee" or ledger_total <= 0:
        sys.exit(f"proc_loop: wrong globals {tag_seen!r} {ledger_total}")
    checksum ^= ledger_total ^ sum(map(sum, grid))
    print(f"proc_loop {checksum} kernel_s={elapsed:.4f} kernel_cpu_s={elapsed_cpu:.4f}")


main()
