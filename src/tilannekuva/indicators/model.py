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
- the measure's inputs: `hit` (boolean) for a share or a ratio, `amount` (number) for a
  quantile, a mean or a ratio, `arm` and `stratum` for a matched contrast.

Indicators about persons over a whole period (a client's continuity in a year, a heavy user)
read the period grain from `Sources.grain` and `Sources.period`, and place their row on the
period's first day.
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


@dataclass(frozen=True)
class Mean:
    """value = the mean of `amount`; denominator = rows; numerator empty; `low`–`high` = its
    95 % confidence interval from Student's t with rows − 1 degrees of freedom (empty for fewer
    than two rows). With `amount` in {−100, 0, 100} the mean is a net promoter score and the
    interval the usual one for it."""

    kind: Literal["mean"] = "mean"


@dataclass(frozen=True)
class Count:
    """value = numerator = the number of rows (`of="rows"`) or of distinct `subject`s
    (`of="persons"`); denominator empty."""

    of: Literal["rows", "persons"] = "rows"
    kind: Literal["count"] = "count"


@dataclass(frozen=True)
class Ratio:
    """numerator = the sum of `amount` over rows with `hit`, denominator = the sum of `amount`
    over all rows (both rounded to whole units), value = their exact ratio: the share of euros
    (or days) rather than of rows."""

    kind: Literal["ratio"] = "ratio"


@dataclass(frozen=True)
class Contrast:
    """A matched difference in means (difference in differences when `amount` is a change).

    Rows carry `arm` ("treated" or "comparison") and `stratum` (the matching cell). Within each
    stratum holding both arms the treated mean minus the comparison mean is taken; value D is
    their average weighted by the treated rows of each stratum (exact matching on strata, the
    comparison reweighted to the treated). `low`–`high` = D ± 1.96 √V with
    V = Σᵢ (yᵢ − c̄ₛ₍ᵢ₎ − D)² / (N (N − 1)) + Σₛ (nₛ / N)² s²_c,ₛ / n_c,ₛ over the N matched
    treated rows (yᵢ a treated row's amount, c̄ₛ its stratum's comparison mean, nₛ the treated
    and n_c,ₛ the comparison rows of stratum s): the spread of the treated rows around their
    matched comparison, plus the sampling variance of the comparison means. numerator =
    treated rows matched, denominator = treated rows in all strata (so the unmatched are
    visible); one output row per cell with treated rows. The persons behind a row, for
    suppression, are the fewer of the two arms' distinct subjects in the strata holding both."""

    kind: Literal["contrast"] = "contrast"


@dataclass(frozen=True)
class Forecast:
    """A demand forecast: the count of rows per period up to the query's end, then `horizon`
    periods ahead.

    Every output row is a class of the dimension `kind` (the events carry `kind` = "actual").
    History rows (`kind` = "actual"; periods in the query whose month is whole in the data):
    numerator = value = the rows counted. Forecast rows (`kind` = "forecast"; the `horizon`
    periods after the last whole one): value = the point forecast, `low`–`high` = its 95 %
    prediction interval, numerator empty. The model
    is fitted on every whole period up to the query's end, not only those shown, and is chosen
    per series by a rolling-origin backtest (`forecasting.monthly`, docs/forecasting.md). The
    persons behind a forecast row, for suppression, are the median of the distinct persons per
    period over the series' last year."""

    horizon: int = 3
    kind: Literal["forecast"] = "forecast"


Measure = Share | Quantile | Distribution | Mean | Count | Ratio | Contrast | Forecast

#: What a value is: share 0–1; days; minutes; hours; count; index 0–1 (continuity); score
#: −100…100 (NPS); euros; a mean number of events per person (per_person).
Unit = Literal["share", "days", "minutes", "hours", "count", "index", "score", "euros",
               "per_person"]

#: Grains every indicator can be computed at unless it says otherwise.
ALL_GRAINS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Indicator:
    id: str
    names: Names
    definition: Names
    unit: Unit
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
    #: Period grains the indicator can be computed at (a heavy user is defined over a year).
    grains: tuple[str, ...] = ALL_GRAINS
    #: Dimensions the output is always split by because a total over them means nothing (the
    #: cuts of a cost-concentration curve, the statements of a questionnaire).
    always_by: tuple[str, ...] = ()

    @property
    def class_dimension(self) -> tuple[str, ...]:
        """The class dimension of a distribution, whose classes share one denominator, or of
        a forecast, whose rows are counted or forecast months (`kind`): a total over either
        means nothing, and neither can be kept alone by a filter."""
        if isinstance(self.measure, Distribution):
            return (self.measure.by,)
        return ("kind",) if isinstance(self.measure, Forecast) else ()

    @property
    def fixed_dimensions(self) -> tuple[str, ...]:
        """Dimensions always in the output: `always_by` and the classes of a distribution."""
        return (*self.always_by, *self.class_dimension)
