"""The entitled views for the web — the overdue list, the feedback comments and the
documentation-quality scorecard: the entitlement check (`roles.scope`) and the audit entry
around producing them, in one place for the pages, their downloads and the API.

Every request is written to the audit log under the signed-in user's name: a view shown
(action `overdue_list`, `feedback_comments` or `quality_scorecard`, with the units, the
request's other parameters, the channel and the number of rows shown) or a refusal (the same
action with `_refused`, with the units asked for and the reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd

from ..privacy.audit import record
from .accounts import User
from .figures import Figures
from .roles import NotEntitled, scope


def audited(figures: Figures, user: User, view: str, asked: Sequence[str] | None,
            details: dict, channel: str,
            produce: Callable[[list[str] | None], pd.DataFrame],
            ) -> tuple[list[str] | None, pd.DataFrame]:
    """The units shown (None: every unit) and the rows `produce` makes for them, or
    NotEntitled; audited either way. `view` names the entitlement (`roles.Role`), `details`
    the request's other parameters, `channel` where it was shown (page, download, api)."""
    con = figures.cursor()
    try:
        try:
            units = scope(user.role, view, user.units, asked)
        except NotEntitled as refusal:
            record(con, f"{view}_refused", {"units": list(asked or []), **details,
                                            "channel": channel, "reason": str(refusal)},
                   0, user.user_name)
            raise
        rows = produce(units)
        record(con, view, {"units": "all" if units is None else units, **details,
                           "channel": channel}, len(rows), user.user_name)
    finally:
        con.close()
    return units, rows


def overdue_for(figures: Figures, user: User, asked: Sequence[str] | None, as_of: date,
                within_days: int, channel: str) -> tuple[list[str] | None, pd.DataFrame]:
    """The units shown and the overdue list, or NotEntitled; audited either way."""
    return audited(figures, user, "overdue_list", asked,
                   {"as_of": as_of, "within_days": within_days}, channel,
                   lambda units: figures.overdue(as_of, units, within_days))


def comments_for(figures: Figures, user: User, asked: Sequence[str] | None, start: date,
                 end: date, channel: str) -> tuple[list[str] | None, pd.DataFrame]:
    """The units shown and their feedback comments from `start` to `end`, newest first, or
    NotEntitled; audited either way."""
    return audited(figures, user, "feedback_comments", asked,
                   {"start": start, "end": end}, channel,
                   lambda units: figures.comments(start, end, units))


def scorecard_for(figures: Figures, user: User, details: dict, channel: str,
                  produce: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The documentation-quality scorecard `produce` makes, or NotEntitled; audited either
    way (the rows counted are the scorecard's, one per unit, period and check)."""
    return audited(figures, user, "quality_scorecard", None, details, channel,
                   lambda units: produce())[1]
