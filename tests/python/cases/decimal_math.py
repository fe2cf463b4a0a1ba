# decimal (the C _decimal module), fractions and math.
import decimal
import fractions
import math
from decimal import Decimal

print(Decimal("0.1") + Decimal("0.2"))
decimal.getcontext().prec = 50
print(Decimal(2).sqrt())
print(Decimal(1) / Decimal(7))
with decimal.localcontext() as ctx:
    ctx.prec = 5
    ctx.rounding = decimal.ROUND_HALF_EVEN
    print(+Decimal("2.500050"), Decimal("1.2345").quantize(Decimal("0.01")))
try:
    Decimal(1) / Decimal(0)
except decimal.DivisionByZero as err:
    print("DivisionByZero", type(err).__mro__[1].__name__)
print(fractions.Fraction(3, 4) + fractions.Fraction(1, 6))
print(math.factorial(20), math.gcd(1071, 462), math.isqrt(10**20 + 1))
print(f"{math.pi:.12f} {math.e:.12f} {math.sqrt(2):.15f}")
print(math.fsum([0.1] * 10), sum([0.1] * 10))
print(round(2.675, 2), round(0.5), round(1.5), 7 // -2, -7 % 3)
