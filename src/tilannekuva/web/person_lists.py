"""Person-level lists for the web (the overdue list): the entitlement check and the audit entry
around `Figures.overdue`, in one place for the page, its download and the API.

Every request is written to the audit log: a list shown (action `overdue_list`, with the units,
day, days ahead and number of people) or a refusal (`overdue_list_refused`, with the units
asked for and the reason), under the signed-in user's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from ..privacy.audit import record
from .accounts import User
from .figures import Figures
from .roles import NotEntitled, person_list_scope


def overdue_for(figures: Figures, user: User, asked: Sequence[str] | None, as_of: date,
                within_days: int, channel: str) -> tuple[list[str], pd.DataFrame]:
    """The units shown and the overdue list, or NotEntitled; audited either way. `channel`
    says where it was shown (page, download, api)."""
    con = figures.cursor()
    try:
        try:
            units = person_list_scope(user.role, user.units, asked)
        except NotEntitled as refusal:
            record(con, "overdue_list_refused",
                   {"units": list(asked or []), "as_of": as_of, "within_days": within_days,
                    "channel": channel, "reason": str(refusal)}, 0, user.user_name)
            raise
        rows = figures.overdue(as_of, units, within_days)
        record(con, "overdue_list", {"units": units, "as_of": as_of,
                                     "within_days": within_days, "channel": channel},
               len(rows), user.user_name)
    finally:
        con.close()
    return units, rows
