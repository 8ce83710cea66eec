"""Statutory access deadlines as data: the versioned rules table, the choice of the rules in
force for a wait, the due-date calculation and the rule book rendered into docs/rules.md."""

from .deadlines import add_months, due_date, local_date
from .model import Rule
from .selection import age_on, rules_in_force
from .table import Problem, RulesError, default_rules_file, load_rules
from .working_days import (
    ALSO_NOT_WORKING_DAYS,
    add_working_days,
    is_working_day,
    working_day_calendar,
)

__all__ = [
    "ALSO_NOT_WORKING_DAYS", "Problem", "Rule", "RulesError", "add_months", "add_working_days",
    "age_on", "default_rules_file", "due_date", "is_working_day", "load_rules", "local_date",
    "rules_in_force", "working_day_calendar",
]
