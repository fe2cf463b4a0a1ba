# Arbitrary-precision integers: arithmetic, powers, conversions, bit ops.
import sys

n = 2 ** 521 - 1
print(n % 1000003, n.bit_length(), len(str(n)))
print(pow(3, 10**6, 10**9 + 7), pow(17, -1, 3120))
f = 1
for i in range(1, 301):
    f *= i
print(str(f)[:30], len(str(f)), f % (10**9 + 9))
a, b = 10**100 + 7, 10**50 + 3
print(divmod(a, b), (a * b) // (b + 1) % 10**12)
print(hex(2**100), int("z" * 20, 36), (-(2**70)) >> 3, ~(2**64), (2**90) & (2**90 - 1) | 5)
print(int.from_bytes(b"\x01\x00" * 8, "little"), (2**127 - 1).to_bytes(16, "big").hex())
print((10**30).as_integer_ratio(), (-7) // 2, -7 % 2, abs(-(10**40)))
print(sys.int_info.bits_per_digit, sys.maxsize)
