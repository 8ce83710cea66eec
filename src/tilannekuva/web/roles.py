"""The roles of the dashboard and what each may see: the one place entitlements are decided.

Every role sees the aggregate figures of the whole county, always with small counts
suppressed (`indicators.suppression`). Person-level lists are the exception the roles exist
for: the overdue list (who has waited past their deadline) is shown only to a role entitled to
it, and only for the units that role is responsible for.

Assumptions, stated also in docs/web.md:

- A supervisor (esihenkilö) leads named units and is entitled to their overdue list: acting
  on it is the supervisor's job.
- A director (johtaja) steers by aggregates and is not shown person-level lists; nor are the
  analyst, who works with aggregates and exports, and situation-centre staff, whose
  person-level work is in the situation-centre service.
- The administrator manages users and reads the audit log, but sees no person-level data
  (least privilege: those who guard the log are not those it records).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..errors import TilannekuvaError


@dataclass(frozen=True)
class Role:
    name: str
    #: Entitled to the overdue list, for its own units only.
    sees_person_lists: bool = False
    #: Tied to named units (a supervisor); other roles are county-wide.
    own_units_only: bool = False
    #: May read the audit log and the user list.
    administers: bool = False


ROLES: dict[str, Role] = {role.name: role for role in (
    Role("director"),
    Role("supervisor", sees_person_lists=True, own_units_only=True),
    Role("analyst"),
    Role("situation_centre"),
    Role("administrator", administers=True),
)}


class NotEntitled(TilannekuvaError):
    """The signed-in user's role does not allow what was asked. The message says why in
    English (the API, the audit log); `key` and `values` name the same reason in the
    dashboard's message catalogues."""

    def __init__(self, message: str, key: str, **values: str):
        super().__init__(message)
        self.key = key
        self.values = values


def person_list_scope(role: Role, own_units: Collection[str],
                      asked: Collection[str] | None) -> list[str]:
    """The units whose overdue list the user may see, for a request naming `asked` units (None:
    all of the user's own). Refuses a role without person-level access, and any unit that is
    not the user's own."""
    if not role.sees_person_lists:
        raise NotEntitled(f"The role {role.name} is not entitled to person-level lists.",
                          "refused.not_entitled")
    if asked is None or not list(asked):
        return sorted(own_units)
    foreign = sorted(set(asked) - set(own_units))
    if foreign:
        raise NotEntitled(f"Unit {', '.join(foreign)} is not among the units you lead; its "
                          "person-level list is not shown to you.", "refused.foreign_units",
                          units=", ".join(foreign))
    return sorted(set(asked))
