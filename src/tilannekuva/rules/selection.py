"""Which rules judge a wait: the ones in force on the day of its start event, for the person's
age on that day.

Age is judged on the start-event date (the legal reference asks for the choice to be stated; the
law's own wording was not verified). A person who turns 23 while waiting therefore keeps the
under-23 deadline, and a wait is never re-judged by a later birthday or a later change in the
law: the deadline is known the moment the wait begins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from .deadlines import local_date
from .model import Rule
from .table import load_rules
from .vocabulary import SERVICES, START_EVENTS


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`. A person born on 29 February turns a year older on
    1 March in common years."""
    if day < birth_date:
        raise ValueError(f"{day} is before the birth date {birth_date}")
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def rules_in_force(service: str, start_event: str, on: date | datetime, age: int | None,
                   rules: Iterable[Rule] | None = None) -> list[Rule]:
    """The rules, in table order, for a wait of `service` that began with `start_event` on
    `on` for a person of `age` (in whole years on that day; None when unknown — then only
    rules without an age band apply).

    Several rules can apply: one per end event (referral → assessment start, → assessment
    complete). `rules` defaults to the shipped table; pass `load_rules(path)` for a county's own.
    """
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r} (known: {', '.join(SERVICES)})")
    if start_event not in START_EVENTS:
        raise ValueError(f"unknown start event {start_event!r} (known: {', '.join(START_EVENTS)})")
    day = local_date(on)
    return [rule for rule in (load_rules() if rules is None else rules)
            if rule.service == service and rule.start_event == start_event
            and rule.in_force_on(day) and rule.covers_age(age)]
