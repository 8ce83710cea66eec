"""Loads and validates the rules table (`access_rules.csv`, or a county's corrected copy).

The file is the legal content; this module only guarantees it is well-formed. Every problem is
reported with the file, line and field, all at once, so that whoever maintains the file can fix
it in one pass. The checks that matter most are the ones a lawyer cannot see by reading one row:
unique ids, and no two rules for the same service, events and ages in force on the same day.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from importlib import resources
from itertools import combinations
from pathlib import Path

from ..errors import TilannekuvaError
from .model import Rule
from .vocabulary import DEADLINE_UNITS, END_EVENTS, SAME_DAY_UNITS, SERVICES, START_EVENTS

COLUMNS = tuple(f.name for f in fields(Rule))
REQUIRED = ("id", "service", "description", "start_event", "end_event", "deadline_value",
            "deadline_unit", "valid_from", "check")
CODE_COLUMNS = {"service": SERVICES, "start_event": START_EVENTS, "end_event": END_EVENTS,
                "deadline_unit": DEADLINE_UNITS}

#: How a parser reports a fault: report(field, message).
Report = Callable[[str, str], None]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, field {self.field}: {self.message}"


class RulesError(TilannekuvaError):
    """The rules file is not usable; `problems` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("the rules table has problems:\n" + "\n".join(map(str, problems)))


def default_rules_file() -> Path:
    return Path(str(resources.files("tilannekuva.rules") / "access_rules.csv"))


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    """The rules of `path` (default: the shipped table), in file order, or RulesError."""
    if path is None:
        return _shipped_rules()
    return _read(Path(path))


@cache
def _shipped_rules() -> tuple[Rule, ...]:
    return _read(default_rules_file())


def _read(path: Path) -> tuple[Rule, ...]:
    name = str(path)
    if not path.is_file():
        raise TilannekuvaError(f"no rules file at {name}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in COLUMNS if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        if missing or unknown:
            raise RulesError([Problem(name, 1, c, "column missing") for c in missing]
                             + [Problem(name, 1, c, "unknown column") for c in unknown])
        parsed: list[tuple[int, Rule]] = []
        problems: list[Problem] = []
        for row in reader:
            rule, faults = _parse_row(row)
            problems += [Problem(name, reader.line_num, f, m) for f, m in faults]
            if not faults:
                parsed.append((reader.line_num, rule))
    problems += _duplicate_ids(name, parsed) + _overlaps(name, parsed)
    if problems:
        raise RulesError(problems)
    return tuple(rule for _, rule in parsed)


def _parse_row(row: dict) -> tuple[Rule, list[tuple[str, str]]]:
    """The row as a Rule, and its faults as (field, message); the Rule is only usable when
    there are none."""
    faults: list[tuple[str, str]] = []

    def report(field: str, message: str) -> None:
        faults.append((field, message))

    if None in row:
        report(COLUMNS[-1], "more fields than columns")
    text = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for column in REQUIRED:
        if not text[column]:
            report(column, "required value missing")
    for column, known in CODE_COLUMNS.items():
        if text[column] and text[column] not in known:
            report(column, f"unknown code {text[column]!r} (known: {', '.join(known)})")
    age_min = _integer(text, "age_min", report, minimum=0)
    age_max = _integer(text, "age_max", report, minimum=0)
    if age_min is not None and age_max is not None and age_min > age_max:
        report("age_max", f"{age_max} is below age_min {age_min}")
    value = _integer(text, "deadline_value", report, minimum=0)
    unit = text["deadline_unit"]
    if value is not None and unit in SAME_DAY_UNITS and value != 0:
        report("deadline_value", f"must be 0 for unit {unit}")
    if value == 0 and unit in DEADLINE_UNITS and unit not in SAME_DAY_UNITS:
        report("deadline_value", f"must be at least 1 for unit {unit}")
    valid_from = _date(text, "valid_from", report)
    valid_to = _date(text, "valid_to", report)
    if valid_from and valid_to and valid_to < valid_from:
        report("valid_to", f"{valid_to} is before valid_from {valid_from}")
    check = text["check"].lower()
    if check and check not in ("true", "false"):
        report("check", f"{text['check']!r} is not true or false")
    return Rule(
        id=text["id"], service=text["service"], description=text["description"],
        age_min=age_min, age_max=age_max, population=text["population"],
        start_event=text["start_event"], end_event=text["end_event"],
        deadline_value=value, deadline_unit=unit, valid_from=valid_from, valid_to=valid_to,
        statute=text["statute"], check=check == "true", notes=text["notes"],
    ), faults


def _integer(text: dict, column: str, report: Report, minimum: int) -> int | None:
    if not text[column]:
        return None
    try:
        value = int(text[column])
    except ValueError:
        report(column, f"{text[column]!r} is not a whole number")
        return None
    if value < minimum:
        report(column, f"{value} is below {minimum}")
    return value


def _date(text: dict, column: str, report: Report) -> date | None:
    if not text[column]:
        return None
    try:
        return date.fromisoformat(text[column])
    except ValueError:
        report(column, f"{text[column]!r} is not a date (YYYY-MM-DD)")
        return None


def _duplicate_ids(name: str, parsed: list[tuple[int, Rule]]) -> list[Problem]:
    first_line: dict[str, int] = {}
    problems = []
    for line, rule in parsed:
        if rule.id in first_line:
            problems.append(Problem(name, line, "id",
                                    f"{rule.id} already used on line {first_line[rule.id]}"))
        first_line.setdefault(rule.id, line)
    return problems


def _overlaps(name: str, parsed: list[tuple[int, Rule]]) -> list[Problem]:
    """Two rules for the same service, start and end event whose age bands and validity
    periods both overlap would give one wait two deadlines: the table must say which applies."""
    problems = []
    for (line_a, a), (line_b, b) in combinations(parsed, 2):
        if ((a.service, a.start_event, a.end_event) == (b.service, b.start_event, b.end_event)
                and _spans_overlap(a.age_min, a.age_max, b.age_min, b.age_max)
                and _spans_overlap(a.valid_from, a.valid_to, b.valid_from, b.valid_to)):
            problems.append(Problem(
                name, line_b, "valid_from/valid_to",
                f"{b.id} overlaps {a.id} (line {line_a}): same service {b.service}, start event "
                f"{b.start_event} and end event {b.end_event}, overlapping ages and validity"))
    return problems


def _spans_overlap(low_a, high_a, low_b, high_b) -> bool:
    """Whether two inclusive spans overlap; None is an open end."""
    return ((high_a is None or low_b is None or low_b <= high_a)
            and (high_b is None or low_a is None or low_a <= high_b))
