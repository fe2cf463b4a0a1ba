# dataclasses, enum, typing, abc, properties and operator overloading.
import abc
import dataclasses
import enum
from typing import NamedTuple, Optional


@dataclasses.dataclass(order=True, frozen=True)
class Version:
    major: int
    minor: int = 0
    tags: tuple = dataclasses.field(default=(), compare=False)


@dataclasses.dataclass
class Box:
    items: list = dataclasses.field(default_factory=list)
    label: Optional[str] = None

    def __post_init__(self):
        self.label = self.label or f"box-{len(self.items)}"


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Perm(enum.IntFlag):
    R = 4
    W = 2
    X = 1


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self): ...


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side ** 2


class Pair(NamedTuple):
    a: int
    b: str = "x"


print(Version(1, 2), sorted([Version(2), Version(1, 5), Version(1, 2, ("rc",))]))
print(Version(1, 2, ("a",)) == Version(1, 2), dataclasses.asdict(Version(3)))
try:
    Version(1).major = 5
except dataclasses.FrozenInstanceError as err:
    print("FrozenInstanceError:", err)
print(Box([1, 2]), Box(label="x"), dataclasses.replace(Box(), items=[9]))
print(Color.GREEN, Color(1).name, list(Color), Perm.R | Perm.X, Perm(6))
try:
    Shape()
except TypeError as err:
    print("TypeError:", err)
print(Square(4).area(), Pair(1), Pair._field_defaults)
