"""The county's tables as Ibis expressions on one backend, with the parameters indicators take
and the rule deadlines as a table any backend can join.

A `Sources` is what every indicator's `events` function receives. Pointing Tilannekuva at
another engine means building a `Sources` over another Ibis backend (see `backends`); nothing
in the indicators changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cached_property

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..rules import Rule, due_date, load_rules
from .dimensions import AGE_BAND_EDGES, WAIT_CLASS_BOUNDS, WAITED_CLASS_BOUNDS, validate_bounds

#: THL's guidance as reported by a county: a professional with no third free bookable
#: appointment is recorded as 182 days.
T3_NO_TIME_DAYS = 182

#: Professionals counted in a unit's T3 on a day: those with non-urgent slots (free or booked)
#: starting within this many days of it. Someone on leave for the whole horizon is left out.
T3_HORIZON_DAYS = 28

#: (table, column) of every start event a rule can be judged by: the deadline table covers the
#: dates these span.
START_COLUMNS = (
    ("contacts", "contact_at"), ("care_need_assessments", "assessed_at"),
    ("referrals", "received_at"), ("referrals", "need_established_at"),
    ("social_cases", "initiated_at"), ("social_decisions", "decided_at"),
)


#: Ibis truncation unit of each period grain.
GRAINS = {"month": "M", "quarter": "Q", "year": "Y"}

DEADLINE_SCHEMA = pa.schema([
    ("rule", pa.string()), ("rule_service", pa.string()), ("start_event", pa.string()),
    ("end_event", pa.string()), ("age_min", pa.int32()), ("age_max", pa.int32()),
    ("start_date", pa.date32()), ("due_date", pa.date32()),
])


@dataclass(frozen=True)
class Parameters:
    """Choices a county can make without changing any definition."""

    wait_classes: tuple[int, ...] = WAIT_CLASS_BOUNDS
    waited_classes: tuple[int, ...] = WAITED_CLASS_BOUNDS
    age_bands: tuple[int, ...] = AGE_BAND_EDGES
    t3_no_time_days: int = T3_NO_TIME_DAYS
    t3_horizon_days: int = T3_HORIZON_DAYS
    #: Continuity indices need at least this many visits of a client in the period (COC is
    #: defined from 2); clients below it are counted as excluded.
    continuity_min_visits: int = 2
    #: Heavy service users: "cost" = the top `heavy_user_top_share` of clients by cost;
    #: "services" = clients using at least `heavy_user_min_services` distinct service groups;
    #: "visits" = clients with at least `heavy_user_min_visits` visits and care days.
    heavy_user_definition: str = "cost"
    heavy_user_top_share: float = 0.10
    heavy_user_min_services: int = 4
    heavy_user_min_visits: int = 30
    #: Especially frequent users: emergency-department visits and phone-service contacts a year.
    frequent_ed_visits: int = 10
    frequent_phone_contacts: int = 20
    #: User-defined service combinations: (name, service groups used in the same year).
    service_combinations: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("ed_and_home_care", ("emergency", "home_care")),
        ("mental_health_and_substance", ("mental_health", "substance_use")),
        ("health_and_social_work", ("general_practice", "social_work")),
    )
    #: Children and young people: persons under this age on the day of the event.
    youth_age_limit: int = 23
    #: Care-plan impact: months before and after the plan compared.
    care_plan_months: int = 6

    def __post_init__(self) -> None:
        validate_bounds(self.wait_classes, "wait classes")
        validate_bounds(self.waited_classes, "waited classes")
        validate_bounds(self.age_bands, "age bands")
        if self.age_bands[0] != 0:
            raise ValueError("age bands must start at 0")
        if self.t3_no_time_days < 0 or self.t3_horizon_days < 1:
            raise ValueError("T3 values must be positive")
        if self.continuity_min_visits < 2:
            raise ValueError("continuity needs a minimum of at least 2 visits")
        if self.heavy_user_definition not in ("cost", "services", "visits"):
            raise ValueError("heavy_user_definition must be cost, services or visits")
        if not 0 < self.heavy_user_top_share < 1:
            raise ValueError("heavy_user_top_share must be between 0 and 1")
        if min(self.heavy_user_min_services, self.heavy_user_min_visits,
               self.frequent_ed_visits, self.frequent_phone_contacts,
               self.youth_age_limit, self.care_plan_months) < 1:
            raise ValueError("heavy-user, frequent-user, youth and care-plan limits must be "
                             "positive")



def parameters_from(values: Mapping[str, object], where: str) -> Parameters:
    """Parameters with the named fields set from `values` (a TOML table, or `--param` pairs
    parsed as TOML values): lists become tuples, and `service_combinations` is a table of
    name → list of services. An unknown name or an unusable value raises ValueError naming
    `where` (the file or option) and the parameter."""
    known = {f.name for f in fields(Parameters)}
    chosen = {}
    for name, value in values.items():
        if name not in known:
            raise ValueError(f"{where}: unknown parameter {name!r}; known: "
                             f"{', '.join(sorted(known))}.")
        if name == "service_combinations":
            if not isinstance(value, Mapping) or not all(
                    isinstance(v, list) and v and all(isinstance(x, str) for x in v)
                    for v in value.values()):
                raise ValueError(f"{where}: service_combinations must be a table of name = "
                                 "[list of services], e.g. {{ed_home = [\"emergency\", "
                                 "\"home_care\"]}}.")
            value = tuple((str(k), tuple(v)) for k, v in value.items())
        elif isinstance(value, list):
            value = tuple(value)
        expected = type(getattr(Parameters(), name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise ValueError(f"{where}: parameter {name} must be {expected.__name__}, not "
                             f"{value!r}.")
        chosen[name] = value
    try:
        return replace(Parameters(), **chosen)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None


@dataclass
class Sources:
    backend: ibis.BaseBackend
    parameters: Parameters = field(default_factory=Parameters)
    rules: Sequence[Rule] = field(default_factory=load_rules)
    #: Measurement days of snapshot indicators (waiting lists, T3); set by the engine.
    as_of_days: Sequence[date] = ()
    #: Period grain of the query being computed; set by the engine. Indicators about a person
    #: over a whole period (continuity, heavy users) aggregate by it.
    grain: str = "month"
    #: Expressions already computed on the backend (see `cached`), by builder and as-of days;
    #: shared by copies of this Sources that differ only in their as-of days.
    _cache: dict = field(default_factory=dict, repr=False)

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    def cached(self, build: Callable[[Sources], ir.Table]) -> ir.Table:
        """`build(self)` materialised once on the backend (a temporary table), so indicators
        that read the same wait kind (share, median, p90, distribution) or the same T3
        measurements compute it once per run, set of as-of days and grain."""
        key = (build, tuple(self.as_of_days), self.grain)
        if key not in self._cache:
            self._cache[key] = build(self).cache()
        return self._cache[key]

    def period(self, day: ir.DateValue) -> ir.DateValue:
        """The first day of the period (of the query's grain) that `day` falls in."""
        return day.truncate(GRAINS[self.grain])

    def as_of(self) -> ir.Table:
        """The measurement days as a one-column table (`as_of`, date)."""
        if not self.as_of_days:
            raise ValueError("a snapshot indicator needs at least one as-of day")
        return ibis.memtable(pa.table({"as_of": pa.array(sorted(self.as_of_days), pa.date32())}))

    @cached_property
    def start_dates(self) -> tuple[date, date] | None:
        """First and last day any start event in the data falls on (Helsinki dates)."""
        parts = []
        for name, column in START_COLUMNS:
            moment = self.table(name)[column]
            parts.append(self.table(name).aggregate(first=moment.min().date(),
                                                    last=moment.max().date())
                         .cast({"first": "date", "last": "date"}))
        days = ibis.union(*parts)
        bounds = days.aggregate(first=days["first"].min(), last=days["last"].max()).to_pyarrow()
        first, last = bounds["first"][0].as_py(), bounds["last"][0].as_py()
        return None if first is None else (first, last)

    @cached_property
    def deadline_table(self) -> pa.Table:
        """Every rule's due date for every start date in the data while the rule is in force:
        one row per (rule, start date). The due dates come from `rules.due_date`, the one
        tested calculator, so SQL never re-implements month ends or working days."""
        parts = []
        span = self.start_dates
        for rule in self.rules if span is not None else ():
            first = max(span[0], rule.valid_from)
            last = span[1] if rule.valid_to is None else min(span[1], rule.valid_to)
            days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            n = len(days)
            parts.append(pa.table({
                "rule": pa.array([rule.id] * n, pa.string()),
                "rule_service": pa.array([rule.service] * n, pa.string()),
                "start_event": pa.array([rule.start_event] * n, pa.string()),
                "end_event": pa.array([rule.end_event] * n, pa.string()),
                "age_min": pa.array([rule.age_min] * n, pa.int32()),
                "age_max": pa.array([rule.age_max] * n, pa.int32()),
                "start_date": pa.array(days, pa.date32()),
                "due_date": pa.array([due_date(rule, day) for day in days], pa.date32()),
            }))
        return pa.concat_tables(parts) if parts else DEADLINE_SCHEMA.empty_table()

    @cached_property
    def _deadline_memtable(self) -> ir.Table:
        """The deadline table as one in-memory table, registered with the backend once."""
        return ibis.memtable(self.deadline_table)

    def deadlines(self, start_event: str, end_event: str) -> ir.Table:
        """The deadline table of one kind of wait (start and end event)."""
        table = self._deadline_memtable
        return table.filter(table.start_event == start_event, table.end_event == end_event)
