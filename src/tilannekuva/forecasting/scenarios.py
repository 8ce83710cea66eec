"""Scenario files: a waiting list's future as a typed, validated TOML file that planners save,
share and compare. Every value is checked on loading; a bad one is refused with the file and
the field named, so a shared file never runs with a silently wrong number.

Units: weeks and rates per week, as in `queueing`. Periods of change are calendar dates
(inclusive); a week belongs to a period when the week's first day is in it. Seasonality is
the exception: its monthly factors apply day by day (`plan.build_plan`).
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import TilannekuvaError

#: Which waiting time a list measures, as (start, end) columns of the canonical `referrals`
#: table: treatment waits are judged from the established need (TL 52 §, 6 months),
#: assessment waits from the referral's arrival (3 weeks).
CLOCKS = {
    "treatment": ("need_established_at", "treatment_started_at"),
    "assessment": ("received_at", "assessment_started_at"),
}

NonNegative = Annotated[float, Field(ge=0)]
#: Twelve monthly demand factors, January to December.
MonthlyFactors = Annotated[list[Annotated[float, Field(gt=0)]], Field(min_length=12,
                                                                      max_length=12)]
#: How far the factors' mean may be from 1 (rounding of hand-written decimals aside, a mean
#: away from 1 would change the year's demand, which is growth's and demand_changes' job).
SEASON_MEAN_TOLERANCE = 1e-6


class _Strict(BaseModel):
    """Unknown keys are refused: a misspelt field must not be ignored silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    """Calendar days from `from` to `to`, both included."""

    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.to < self.from_:
            raise ValueError(f"the period ends ({self.to}) before it starts ({self.from_})")
        return self


class Change(Period):
    """Demand or capacity multiplied by `factor` in a period (0.6 = a 40 % summer cut)."""

    factor: NonNegative


class ExtraSessions(Period):
    """Treatments per week added in a period (evening lists, purchased services)."""

    per_week: NonNegative


class PriorityClass(_Strict):
    """A priority class of the list with its own statutory or local deadline. With `--db`, the
    name is the referral's priority code (urgent, non_urgent)."""

    name: str = Field(min_length=1)
    deadline_weeks: float = Field(gt=0)


class AgeBand(_Strict):
    """`count` patients who have waited from `from_weeks` (included) to `to_weeks`."""

    from_weeks: NonNegative
    to_weeks: float = Field(gt=0)
    count: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> AgeBand:
        if self.to_weeks <= self.from_weeks:
            raise ValueError("to_weeks must be greater than from_weeks")
        return self


class ClassStart(_Strict):
    """A class's state at the start: its demand, its waiting patients by time waited, and the
    weekly probability that a waiting patient leaves without treatment (reneging)."""

    arrivals_per_week: NonNegative
    waiting: list[AgeBand] = []
    reneging_per_week: float = Field(0.0, ge=0, lt=1)


class Initial(_Strict):
    """The list on the first day: capacity in treatments per week, and each class's state."""

    capacity_per_week: NonNegative
    classes: dict[str, ClassStart]


class WaitingList(_Strict):
    """Where `--db` finds the list in the county's referrals."""

    specialty: str = Field(min_length=1)
    clock: Literal["treatment", "assessment"] = "treatment"
    lookback_weeks: int = Field(26, ge=1, le=260)


class Scenario(_Strict):
    """One scenario of a waiting list over `weeks` weeks from `start`."""

    name: str = Field(min_length=1)
    description: str = ""
    start: date | None = None
    weeks: int = Field(104, ge=1, le=520)
    order: Literal["priority", "deadline"] = "priority"
    classes: list[PriorityClass] = Field(min_length=1)
    waiting_list: WaitingList | None = None
    initial: Initial | None = None
    demand_growth_per_year: float = Field(0.0, gt=-1)
    demand_changes: list[Change] = []
    capacity_changes: list[Change] = []
    extra_sessions: list[ExtraSessions] = []
    seasonality: MonthlyFactors | None = None

    @field_validator("seasonality")
    @classmethod
    def _mean_one(cls, factors: list[float] | None) -> list[float] | None:
        """The factors only move demand between months: their mean must be 1. A file whose
        factors do not average 1 is refused rather than rescaled, so that the numbers run are
        the numbers written."""
        if factors is not None:
            mean = sum(factors) / len(factors)
            if abs(mean - 1) > SEASON_MEAN_TOLERANCE:
                raise ValueError(f"the twelve monthly factors must average 1 (they move demand "
                                 f"between months, not add to it); their mean is {mean:.6g}. "
                                 f"Divide each by {mean:.6g}, or change demand_growth_per_year "
                                 "or demand_changes for more or less demand")
        return factors

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise ValueError(f"class names must differ, got {names}")
        if self.initial is not None and set(self.initial.classes) != set(names):
            raise ValueError(f"initial.classes must give exactly the classes {names}, got "
                             f"{sorted(self.initial.classes)}")
        return self


def _location(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + ("from" if part == "from_" else str(part))
    return text or "(the whole file)"


def describe(error: ValidationError, source: str) -> str:
    """Pydantic's errors as one message per field: `file: field: problem (got value)`."""
    lines = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field (misspelt?)"
        elif item["type"] != "missing" and "input" in item and not isinstance(
                item["input"], dict):
            message += f" (got {item['input']!r})"
        lines.append(f"{source}: {_location(item['loc'])}: {message}")
    return "\n".join(lines)


def parse_scenario(text: str, source: str) -> Scenario:
    """A scenario from TOML text; `source` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise TilannekuvaError(f"{source}: not valid TOML: {err}") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise TilannekuvaError(describe(err, source)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Reads and validates a scenario file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TilannekuvaError(f"{path}: cannot read the scenario file ({err.strerror}).") \
            from None
    return parse_scenario(text, str(path))
