"""The roles of the dashboard and what each may see: the one place entitlements are decided.

Every role sees the aggregate figures of the whole county, always with small counts
suppressed (`indicators.suppression`). Three views are the exception the roles exist for, each
granted per role for its own units only (`OWN_UNITS`), for every unit (`ALL_UNITS`) or not at
all (None):

- the overdue list: who has waited past their deadline (person-level);
- feedback comments: the free-text answers of the customer-feedback survey. The answers are
  anonymous, but a comment can tell who wrote it or whom it is about (identity codes are
  redacted at import; names, diagnoses and events are not);
- the documentation-quality scorecard with the import quarantine's counts: aggregates, but
  about how the county's staff record and how its imports fail, for those who steer or fix
  data quality.

Assumptions, stated also in docs/web.md:

- A supervisor (esihenkilö) leads named units and is entitled to their overdue list and their
  feedback comments: acting on them is the supervisor's job. The scorecard they see for every
  unit, as every aggregate (the check figures are on the quality capability page for all).
- A director (johtaja) steers by aggregates and is not shown person-level lists; but reads
  the feedback comments of every unit, as the one responsible for the service's quality
  across units (complaints and feedback reach the director), and sees the scorecard.
- The analyst works with aggregates and exports: the scorecard yes (data quality is the
  knowledge-management team's work), person-level lists and comments no.
- Situation-centre staff have their person-level work in the situation-centre service; they
  see the aggregates only.
- The administrator manages users and reads the audit log, but sees no person-level data
  and no comments (least privilege: those who guard the log are not those it records); the
  scorecard yes, as imports and their quarantine are run by administrators.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from ..errors import TilannekuvaError

OWN_UNITS, ALL_UNITS = "own_units", "all_units"
Reach = Literal["own_units", "all_units"] | None


@dataclass(frozen=True)
class Role:
    name: str
    #: The overdue list (person-level).
    overdue_list: Reach = None
    #: Free-text comments of the customer feedback.
    feedback_comments: Reach = None
    #: The documentation-quality scorecard and the import quarantine's counts.
    quality_scorecard: Reach = None
    #: Tied to named units (a supervisor); other roles are county-wide.
    own_units_only: bool = False
    #: May read the audit log and the user list.
    administers: bool = False

    @property
    def sees_person_lists(self) -> bool:
        return self.overdue_list is not None

    @property
    def reads_comments(self) -> bool:
        return self.feedback_comments is not None

    @property
    def sees_scorecard(self) -> bool:
        return self.quality_scorecard is not None


ROLES: dict[str, Role] = {role.name: role for role in (
    Role("director", feedback_comments=ALL_UNITS, quality_scorecard=ALL_UNITS),
    Role("supervisor", overdue_list=OWN_UNITS, feedback_comments=OWN_UNITS,
         quality_scorecard=ALL_UNITS, own_units_only=True),
    Role("analyst", quality_scorecard=ALL_UNITS),
    Role("situation_centre"),
    Role("administrator", quality_scorecard=ALL_UNITS, administers=True),
)}

#: What each view is called in refusals (English: the API and the audit log).
VIEWS = {"overdue_list": "person-level lists", "feedback_comments": "feedback comments",
         "quality_scorecard": "the documentation-quality scorecard"}


class NotEntitled(TilannekuvaError):
    """The signed-in user's role does not allow what was asked. The message says why in
    English (the API, the audit log); `key` and `values` name the same reason in the
    dashboard's message catalogues."""

    def __init__(self, message: str, key: str, **values: str):
        super().__init__(message)
        self.key = key
        self.values = values


def scope(role: Role, view: str, own_units: Collection[str],
          asked: Collection[str] | None) -> list[str] | None:
    """The units whose `view` (overdue_list, feedback_comments, quality_scorecard) the user
    may see, for a request naming `asked` units (None or empty: all the user may see). None
    means every unit. Refuses a role without the view, and, for a role limited to its own
    units, any unit that is not its own."""
    reach = getattr(role, view)
    if reach is None:
        raise NotEntitled(f"The role {role.name} is not entitled to {VIEWS[view]}.",
                          f"refused.{view}")
    asked = sorted(set(asked)) if asked else None
    if reach == ALL_UNITS:
        return asked
    if asked is None:
        return sorted(own_units)
    foreign = sorted(set(asked) - set(own_units))
    if foreign:
        raise NotEntitled(f"Unit {', '.join(foreign)} is not among the units you lead; you "
                          f"are not shown its {VIEWS[view]}.", "refused.foreign_units",
                          units=", ".join(foreign))
    return asked

