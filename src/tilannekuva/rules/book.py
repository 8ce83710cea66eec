"""Renders the rule book (docs/rules.md) from the rules table, so that what auditors read is
the table the indicators use: a test fails when the committed file differs from this output.

Regenerate with `tilannekuva rules-docs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .model import Rule
from .table import load_rules
from .vocabulary import DEADLINE_UNITS, END_EVENTS, SERVICES, START_EVENTS
from .working_days import ALSO_NOT_WORKING_DAYS

#: valid_from of rows the reference gives no start for ("throughout", or only an end date):
#: the entry into force of the act the row cites.
ACT_START_DATES = (
    ("Terveydenhuoltolaki 1326/2010 (TL)", date(2011, 5, 1)),
    ("Sosiaalihuoltolaki 1301/2014 (SHL)", date(2015, 4, 1)),
    ("Lastensuojelulaki 417/2007 (LsL)", date(2008, 1, 1)),
    ("Vanhuspalvelulaki 980/2012 (VPL)", date(2013, 7, 1)),
    ("Vammaispalvelulaki 380/1987 as amended by 981/2008 (deadlines of 3 a §)", date(2009, 9, 1)),
)

CHECK_MARK = "⚠ check"


def _plural(count: int, unit: str) -> str:
    words = DEADLINE_UNITS[unit]
    return f"{count} {words[:-1] if count == 1 else words}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def deadline_in_words(rule: Rule) -> str:
    """"Visit (examination or treatment) within 14 calendar days of the care-needs assessment"."""
    end, start = END_EVENTS[rule.end_event], START_EVENTS[rule.start_event]
    unit = rule.deadline_unit
    if unit == "same_day":
        return f"{end} on the day of {start}"
    if unit == "immediately":
        return f"{end} immediately on {start}; due the same day"
    if unit == "working_days":
        return f"{end} by the {_ordinal(rule.deadline_value)} working day after {start}"
    return f"{end} within {_plural(rule.deadline_value, unit)} of {start}"


def _who(rule: Rule) -> str:
    if rule.age_min is None and rule.age_max is None:
        ages = "all ages" if not rule.population else ""
    elif rule.age_min is None:
        ages = f"under {rule.age_max + 1}"
    elif rule.age_max is None:
        ages = f"{rule.age_min} and over"
    else:
        ages = f"aged {rule.age_min}–{rule.age_max}"
    return "; ".join(part for part in (ages, rule.population) if part)


def _in_force(rule: Rule) -> str:
    if rule.valid_to is None:
        return f"from {rule.valid_from}"
    return f"{rule.valid_from} – {rule.valid_to}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _area_section(area: str, rules: list[Rule]) -> list[str]:
    lines = [f"## {area}", "", "| id | rule | who | deadline | in force | statute | notes |",
             "|---|---|---|---|---|---|---|"]
    for rule in rules:
        ident = f"**{rule.id}** {CHECK_MARK}" if rule.check else f"**{rule.id}**"
        cells = (ident, f"{rule.description} (`{rule.service}`)", _who(rule),
                 deadline_in_words(rule), _in_force(rule), rule.statute or "not given",
                 rule.notes)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines + [""]


def _conventions() -> list[str]:
    eves = " and ".join(ALSO_NOT_WORKING_DAYS)
    acts = [f"- {act}: {start}" for act, start in ACT_START_DATES]
    return [
        "## How deadlines are read", "",
        "- **A rule applies by the date of its start event.** A wait that began before a change "
        "in the law keeps the old deadline to the end.",
        "- **Age is judged on the date of the start event**, in whole years (a person born on "
        "29 February turns a year older on 1 March in common years). Someone who turns 23 while "
        "waiting keeps the under-23 deadline. Age bands are inclusive: \"under 23\" is ages "
        "0–22. A rule with an age band never applies when the age is unknown.",
        "- **Who** also names conditions that age cannot express (\"disabled persons\"); the "
        "indicator applying the rule judges them.",
        "- **The due date is the last day on which the end event is still in time.** A deadline "
        "of the same day or \"immediately\" is due on the day of the start event.",
        "- **Calendar days** (vuorokautta): the start date plus n days. **Weeks**: the start date "
        "plus 7 × n days; the table keeps \"3 weeks\" in weeks, as the law words it.",
        "- **Months** (kuukautta): the same day of the month n months later, or the last day of "
        "that month if the day does not exist: 31 January + 1 month = 29 February 2024; "
        "30 November 2024 + 3 months = 28 February 2025.",
        "- Calendar days, weeks and months are not moved off weekends or holidays.",
        "- **Working days** (arkipäivää): the day of the start event is not counted; the due "
        "date is the n-th working day after it. Saturdays, Sundays and Finnish public holidays "
        "are not working days (law 150/1930 on computing statutory time limits, as applied in "
        "THL's child-welfare handbook). Public holidays come from the `holidays` library "
        "(Finland, category \"public\"); " + eves + " are not working days either, as 150/1930 "
        "5 § names them, and the code lists them explicitly (`ALSO_NOT_WORKING_DAYS`). Flag "
        "days that are not days off are working days. Example: a case initiated on Thursday "
        "28 March 2024 has its 7th working day on 10 April 2024 (Good Friday and Easter Monday "
        "do not count).",
        "",
        "### Start dates the reference does not give", "",
        "Where the legal reference says a rule holds \"throughout\" or gives only an end date, "
        "`valid_from` is the entry into force of the act the row cites. It is the earliest day "
        "the rule can have applied, not a verified date of the section itself; before it the "
        "table has no rule.", "",
        *acts, "",
        f"### The {CHECK_MARK} marker", "",
        f"Rules marked {CHECK_MARK} were seen only in secondary sources when the table was "
        "written. They are in force in the table and the indicators use them, but their "
        "content, dates or statute should be verified against the statute book before a figure "
        "based on them is published as a compliance finding. The notes say what is uncertain.",
        "",
    ]


def render_rule_book(rules: Iterable[Rule] | None = None) -> str:
    """The rule book as Markdown: conventions first, then every rule grouped by service area."""
    rules = list(load_rules() if rules is None else rules)
    by_area: dict[str, list[Rule]] = {service.area: [] for service in SERVICES.values()}
    for rule in rules:
        by_area[SERVICES[rule.service].area].append(rule)
    head = [
        "# Access rules: statutory deadlines", "",
        "Generated from `src/tilannekuva/rules/access_rules.csv` by "
        "`tilannekuva rules-docs`; do not edit by hand. A county "
        "corrects a rule by editing the table (or a copy passed to `load_rules`), never the "
        "code.", "",
        f"{len(rules)} rules. Statutes: Terveydenhuoltolaki 1326/2010 (TL), Sosiaalihuoltolaki "
        "1301/2014 (SHL), Lastensuojelulaki 417/2007 (LsL), Vanhuspalvelulaki 980/2012 (VPL); "
        "HE = government bill.", "",
    ]
    body = [line for area, area_rules in by_area.items() if area_rules
            for line in _area_section(area, area_rules)]
    return "\n".join(head + _conventions() + body).rstrip() + "\n"

