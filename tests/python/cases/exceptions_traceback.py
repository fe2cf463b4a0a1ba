# test: exit = 1
# test: stderr-contains = ZeroDivisionError: division by zero
# Exceptions: chaining, groups, custom types, traceback formatting; the
# uncaught exception at the end prints a traceback and exits with status 1.
import traceback


class AppError(Exception):
    def __init__(self, code):
        super().__init__(f"app failed with {code}")
        self.code = code


def inner():
    return {}["missing"]


def outer():
    try:
        inner()
    except KeyError as err:
        raise AppError(42) from err


try:
    outer()
except AppError as err:
    print(type(err).__name__, err, err.code, repr(err.__cause__))
    lines = traceback.format_exception(err)
    print(lines[-1].strip(), "direct cause" in "".join(lines))
    print([frame.name for frame in traceback.extract_tb(err.__traceback__)])

try:
    raise ExceptionGroup("many", [ValueError("v"), TypeError("t")])
except* ValueError as group:
    print("caught", group.exceptions)
except* TypeError as group:
    print("caught", group.exceptions)

try:
    try:
        1 / 0
    finally:
        print("finally ran")
except ArithmeticError as err:
    print("ArithmeticError:", err)

err = RuntimeError("noted")
err.add_note("extra context")
print(traceback.format_exception_only(err))
print(sum(1 for _ in range(3)), flush=True)
1 / 0
