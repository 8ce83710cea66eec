"""What an indicator is: its metadata and the Ibis expression of the events it counts.

An indicator is declared once (see `catalogue`), and everything else — the long output, the
CLI, the generated catalogue in docs/indicators.md, later the dashboard and the API — reads that
declaration. The declaration has two halves:

- metadata a reader needs to trust the figure: names and the definition in words, both in
  Finnish, Swedish and English (`Names`; the dashboard shows Finnish first, the generated
  catalogue English), the legal basis, the unit, which direction is better, the target;
- `events`: a function from the county's tables (`Sources`) to an Ibis table with one row per
  counted thing (a visit, a referral, a professional on a measurement day). The engine
  (`engine.compute`) groups those rows by period and the chosen dimensions and applies the
  `measure`. Every indicator therefore has one code path on every backend (DuckDB, Spark).

The rows `events` returns carry:

- `day` (date): the day that places the row in a period;
- `subject` (string or null): the person the row is about, for small-count suppression; null
  for rows about no person (T3 counts professionals' calendars);
- one column per dimension the indicator supports (names from `dimensions.DIMENSIONS`);
- the measure's inputs: `hit` (boolean) for a share, `amount` (number) for a quantile or
  median.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from .sources import Sources


@dataclass(frozen=True)
class Names:
    """One text in Finnish, Swedish and English: an indicator's name or its definition.

    `a + b` joins two texts language by language, so a definition can be composed from
    fragments shared by several indicators (each written once, in all three languages)."""

    fi: str
    sv: str
    en: str

    def __add__(self, other: Names) -> Names:
        if not isinstance(other, Names):
            return NotImplemented
        return Names(self.fi + other.fi, self.sv + other.sv, self.en + other.en)


@dataclass(frozen=True)
class Share:
    """numerator = rows with `hit`, denominator = all rows, value = numerator / denominator."""

    kind: Literal["share"] = "share"


@dataclass(frozen=True)
class Quantile:
    """value = the q-quantile of `amount` (continuous: interpolated between the two middle
    values when they differ); denominator = rows; numerator empty."""

    q: float
    kind: Literal["quantile"] = "quantile"


@dataclass(frozen=True)
class Distribution:
    """Rows split by the class dimension `by`: numerator = rows in the class, denominator =
    rows in all classes of the same period and dimension values, value = their ratio."""

    by: str
    kind: Literal["distribution"] = "distribution"


Measure = Share | Quantile | Distribution


@dataclass(frozen=True)
class Indicator:
    id: str
    names: Names
    definition: Names
    unit: Literal["share", "days", "count"]
    better: Literal["higher", "lower"] | None
    measure: Measure
    events: Callable[[Sources], ir.Table]
    dimensions: tuple[str, ...]
    source_tables: tuple[str, ...]
    legal_basis: str = ""
    rules: tuple[str, ...] = ()
    target: float | None = None
    snapshot: bool = False
    about_persons: bool = True
    group: str = ""

    @property
    def fixed_dimensions(self) -> tuple[str, ...]:
        """Dimensions always in the output (the classes of a distribution)."""
        return (self.measure.by,) if isinstance(self.measure, Distribution) else ()
