"""The roles of the dashboard and what each may see: the one place entitlements are decided.

Every role sees the aggregate figures of the whole county, always with small counts
suppressed (`indicators.suppression`). These views are the exception the roles exist for, each
granted per role for its own units only (`OWN_UNITS`), for every unit (`ALL_UNITS`) or not at
all (None):

- the overdue list: who has waited past their deadline (person-level);
- feedback comments: the free-text answers of the customer-feedback survey. The answers are
  anonymous, but a comment can tell who wrote it or whom it is about (identity codes are
  redacted at import; names, diagnoses and events are not);
- the documentation-quality scorecard with the import quarantine's counts: aggregates, but
  about how the county's staff record and how its imports fail, for those who steer or fix
  data quality;
- the 24-hour-care risk scores (`risk_list`, person-level; below), beside the model's card
  (`risk_card`, yes or no).

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

Waiting-list scenarios and queueing figures (/scenarios, /api/v1/queueing,
/api/v1/scenarios/run) are aggregates and simulations only, with no person-level data (a list
estimated from the county's referrals with fewer than `min_cell_size` people is not shown), so
no role is refused them. The page is in the navigation of the roles that plan capacity
(`plans`): directors, who decide it; supervisors, who plan their units' lists and sessions;
analysts, who prepare the scenarios. Situation-centre staff and the administrator do not plan
waiting lists; leaving the link out keeps their navigation to their work, and each can still
open the page by its address. Demand forecasts (/forecasts, /api/v1/forecasts/...) are the
same kind of aggregate (counts and forecasts below `min_cell_size` persons are hidden) for
the same planning roles: their link goes with `plans` too.

The 24-hour-care risk model (/risk, /api/v1/risk/..., docs/risk-model.md) is profiling, shown
only while the county has switched it on (`risk_model_enabled`), and split in two:

- the model card (`risk_card`): how well the model does on a held-out period — AUC with its
  interval, calibration, performance by sex, age group and municipality with small groups
  suppressed. Aggregates, but about a model that scores persons: for those who decide whether
  and how it is used and who must be able to question it — the director, the analyst (who
  evaluates it) and the supervisor (whose staff would act on it). Not for situation-centre
  staff (no part of their work) nor the administrator (least privilege).
- the list of scored clients (`risk_list`, person-level): for a supervisor, their own units'
  clients only (`OWN_UNITS`), as an input to their staff's service-need assessments of
  persons they already serve. A client is *attached* to the unit of their latest done
  general-practice or home-care visit in the 12 months before the model's scoring day (the
  health station or home-care team that serves them now); a client with no such visit is
  attached to no unit and listed to no one. Nobody else sees the list: a director or an
  analyst has no care relationship with the clients, so county-wide person-level scores would
  be profiling without a care purpose (docs/risk-model.md, "The legal-basis question").

The situation centre's roles (ED nurse, ward nurse, home-care coordinator, transport
coordinator, situation-centre coordinator, viewer) see the dashboard's aggregates only; what
each may do in the situation centre's API is `SITUATION_RIGHTS` (docs/situation.md, "Roles").
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
    #: Plans capacity: the waiting-list scenarios and demand forecasts pages are in the
    #: role's navigation.
    plans: bool = False
    #: The 24-hour-care risk model's card (its held-out evaluation; aggregates).
    risk_card: bool = False
    #: The 24-hour-care risk scores of clients attached to the units (person-level).
    risk_list: Reach = None

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
    Role("director", feedback_comments=ALL_UNITS, quality_scorecard=ALL_UNITS, plans=True,
         risk_card=True),
    Role("supervisor", overdue_list=OWN_UNITS, feedback_comments=OWN_UNITS,
         quality_scorecard=ALL_UNITS, own_units_only=True, plans=True, risk_card=True,
         risk_list=OWN_UNITS),
    Role("analyst", quality_scorecard=ALL_UNITS, plans=True, risk_card=True),
    Role("situation_centre"),
    Role("administrator", quality_scorecard=ALL_UNITS, administers=True),
    Role("ed_nurse"),
    Role("ward_nurse", own_units_only=True),  # units: the ids or codes of the wards
    Role("home_care_coordinator"),
    Role("transport_coordinator"),
    Role("situation_viewer"),
)}

#: What each view is called in refusals (English: the API and the audit log).
VIEWS = {"overdue_list": "person-level lists", "feedback_comments": "feedback comments",
         "quality_scorecard": "the documentation-quality scorecard",
         "risk_list": "person-level risk scores"}


#: The reach of a situation-centre right: every entity (ALL_UNITS), those of the wards named in
#: the user's units (OWN_WARDS), or the routing requests the user created (OWN_REQUESTS).
OWN_WARDS, OWN_REQUESTS = "own_wards", "own_requests"

#: The situation-centre actions (docs/situation.md, "Roles").
SITUATION_ACTIONS = (
    "read", "create_ward", "create_bed", "bed_action",
    "create_request", "offer", "withdraw", "accept", "decline", "place", "depart", "cancel",
    "interrupt", "create_handoff", "handoff_acknowledge", "handoff_complete", "handoff_cancel",
    "order_transport", "transport_accept", "transport_depart", "transport_pick_up",
    "transport_deliver", "transport_cancel")

_WARD = {a: OWN_WARDS for a in ("accept", "decline", "place", "depart", "bed_action",
                                "create_handoff", "handoff_cancel")}

#: What each role may do in the situation centre, action → reach. A role or action not listed
#: is refused; roles of the dashboard alone (director, supervisor, analyst, administrator) have
#: no rights in the situation centre.
SITUATION_RIGHTS: dict[str, dict[str, str]] = {
    "situation_centre": {action: ALL_UNITS for action in SITUATION_ACTIONS},
    "ed_nurse": {"read": ALL_UNITS, "create_request": ALL_UNITS, "cancel": OWN_REQUESTS,
                 "depart": ALL_UNITS, "order_transport": ALL_UNITS},
    "ward_nurse": {"read": ALL_UNITS, "order_transport": ALL_UNITS, **_WARD},
    "home_care_coordinator": {"read": ALL_UNITS, "handoff_acknowledge": ALL_UNITS,
                              "handoff_complete": ALL_UNITS, "handoff_cancel": ALL_UNITS},
    "transport_coordinator": {"read": ALL_UNITS, "order_transport": ALL_UNITS,
                              **{f"transport_{a}": ALL_UNITS for a in (
                                  "accept", "depart", "pick_up", "deliver", "cancel")}},
    "situation_viewer": {"read": ALL_UNITS},
}


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
    """The units whose `view` (overdue_list, feedback_comments, quality_scorecard,
    risk_list) the user may see, for a request naming `asked` units (None or empty: all the
    user may see). None means every unit. Refuses a role without the view, and, for a role
    limited to its own units, any unit that is not its own."""
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



def situation_reach(role: Role, action: str) -> str:
    """The reach of `role`'s right to the situation-centre `action`, or NotEntitled."""
    reach = SITUATION_RIGHTS.get(role.name, {}).get(action)
    if reach is None:
        raise NotEntitled(f"The role {role.name} may not {action.replace('_', ' ')} in the "
                          "situation centre.", "refused.situation", action=action)
    return reach


def situation_check(role: Role, action: str, own_units: Collection[str], user_name: str,
                    ward: tuple[int, str] | None = None, owner: str | None = None) -> None:
    """Refuses (NotEntitled) a situation-centre `action` the role may not take: for a right
    over own wards, unless `ward` (id, code) is among `own_units` (by id or code); for a right
    over own requests, unless the request's creator `owner` is `user_name`."""
    reach = situation_reach(role, action)
    if reach == OWN_WARDS:
        if ward is None or not {str(ward[0]), ward[1]} & set(own_units):
            where = "no ward" if ward is None else f"ward {ward[1]} (id {ward[0]})"
            raise NotEntitled(f"The role {role.name} may {action.replace('_', ' ')} only for "
                              f"its own wards ({', '.join(own_units)}); this is for {where}.",
                              "refused.situation_ward", action=action)
    elif reach == OWN_REQUESTS and owner != user_name:
        raise NotEntitled(f"The role {role.name} may {action.replace('_', ' ')} only the "
                          "routing requests it created.", "refused.situation_owner",
                          action=action)
