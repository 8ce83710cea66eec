"""One access rule: a statutory deadline as one row of the versioned rules table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Rule:
    """A deadline between a start event and an end event, for a service, an age band and a
    validity period.

    Age bounds are whole years, inclusive, judged on the date of the start event; None is no
    bound ("under 23" is `age_max=22`). `population` states a condition that age cannot express
    ("disabled persons"); the caller judges it. `valid_to` None means the rule is still in force.
    `check` marks rows the legal reference saw only in secondary sources.
    """

    id: str
    service: str
    description: str
    age_min: int | None
    age_max: int | None
    population: str
    start_event: str
    end_event: str
    deadline_value: int
    deadline_unit: str
    valid_from: date
    valid_to: date | None
    statute: str
    check: bool
    notes: str

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def covers_age(self, age: int | None) -> bool:
        """Whether a person of `age` falls in the band. An unknown age (None) falls only in
        rules without an age band: an age-limited rule is never applied on a guess."""
        if age is None:
            return self.age_min is None and self.age_max is None
        return ((self.age_min is None or age >= self.age_min)
                and (self.age_max is None or age <= self.age_max))
