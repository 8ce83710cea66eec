"""The dimensions indicators are broken down by, and the classes derived from numbers (age
bands, waiting-time classes). Each indicator names the dimensions it supports; an events
expression provides them under these names.

Assumptions, stated once here and in docs/indicators.md:

- `municipality` is the person's municipality of residence (persons.municipality), as county
  reports compare residents' access; for T3, which is about professionals, it is the unit's.
- `age_band` is the age in whole years on the day the wait started (the same day the rule in
  force is judged on). The default bands keep every legal age limit on a band edge: 18 (child
  welfare, special support), 23 (the under-23 rules), 65 and 75 (older people, SHL 36 §).
- Waiting-time classes are whole calendar days between the start and end dates; a class
  "8–14" holds waits of 8 to 14 days inclusive. THL's releases use 7 days, 14 days, 3 months
  and 6 months; here 3 months is 90 days and 6 months 182 days.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

DIMENSIONS: dict[str, str] = {
    "unit": "Unit (units.unit_id) that provided, assessed or received.",
    "municipality": "Municipality of residence of the person (the unit's for T3).",
    "service_area": "Service area of the unit.",
    "profession": "Profession of the professional who gave the care (or the professional "
                  "group, for T3).",
    "contact_type": "Mode of the visit (physical, phone, video, ...).",
    "channel": "Channel of the first contact (phone, chat, Omaolo, ...).",
    "age_band": "Age band on the day the wait started.",
    "specialty": "Receiving specialty of a referral.",
    "service_task": "Social-care service task.",
    "rule": "Id of the access rule that judged the wait (see docs/rules.md).",
    "wait_class": "Waiting-time class, whole days from start to end.",
    "waited_class": "Time waited so far on the as-of day, whole days.",
    # Population analytics (continuity, heavy users, youth services, care plans, first
    # assessment, feedback, documentation quality, digital services).
    "profession_group": "Doctor or nurse (continuity is measured for each separately).",
    "service_group": "Service a client used (code list `service`).",
    "other_service": "Another service used by the clients of `service_group` (co-use).",
    "services_used": "Number of distinct services a client used in the period, as a class.",
    "service_mix": "Whether a client used health services only, social care only, or both.",
    "combination": "A user-defined service combination (parameter service_combinations).",
    "top_share": "Cut of the cost-concentration curve: the top p % of clients by cost.",
    "care_level": "Primary or specialised care.",
    "notifier_type": "Who brought a social-care case up.",
    "phenomenon": "Main phenomenon observed in a social-care case.",
    "outcome": "Outcome of a social-care first assessment.",
    "service": "Service line (code list `service`).",
    "service_channel": "How the service was given (physical visit, chat, ...).",
    "response_channel": "How a feedback answer was collected.",
    "language": "Language of the service or questionnaire.",
    "statement": "Basic statement of the national feedback model.",
    "check": "Documentation-quality check.",
    "table": "Canonical table a documentation-quality check reads.",
    "digital_service": "Digital service (chat, Omaolo, e-booking, ...).",
    "pathway": "Digital care pathway.",
    "pathway_stage": "Lifecycle stage of a digital care pathway.",
    "end_reason": "Why a digital care pathway ended.",
    # The situation centre.
    "urgency": "Urgency the emergency department gave a routing request.",
    "hour": "Hour of the day (Helsinki time) a routing request was made, 00–23.",
    "weekday": "Day of the week a routing request was made, 1 (Monday) to 7 (Sunday).",
    "urgency_class": "Urgency class of an ambulance transport (urgent, non-urgent).",
    "safety_need": "Safety need of an ambulance transport (isolation, oxygen, ...).",
    "kind": "Whether a row of a demand forecast is a counted month (actual) or a forecast one "
            "(forecast).",
    "home_care_unit": "Home-care team (units.unit_id) a discharged patient is handed to.",
}

#: Lower edges of the default age bands; each band runs to the next edge minus one.
AGE_BAND_EDGES: tuple[int, ...] = (0, 7, 13, 18, 23, 65, 75)

#: Upper bounds (days, inclusive) of the default classes of realised waits.
WAIT_CLASS_BOUNDS: tuple[int, ...] = (0, 7, 14, 30, 90, 182)

#: Upper bounds (days, inclusive) of the default classes of time waited on a waiting list:
#: 3 weeks (S1), 3 months, 6 months (S3), a year.
WAITED_CLASS_BOUNDS: tuple[int, ...] = (21, 90, 182, 365)


def band_labels(edges: Sequence[int]) -> list[str]:
    """'0–6', '7–12', ..., '75+' for lower edges (0, 7, ..., 75)."""
    labels = [f"{lo}–{hi - 1}" if hi - 1 > lo else str(lo)
              for lo, hi in zip(edges, edges[1:], strict=False)]
    return labels + [f"{edges[-1]}+"]


def class_labels(bounds: Sequence[int]) -> list[str]:
    """'0', '1–7', '8–14', ..., '183+' for inclusive upper bounds (0, 7, 14, ..., 182)."""
    labels, lower = [], 0
    for upper in bounds:
        labels.append(str(upper) if upper == lower else f"{lower}–{upper}")
        lower = upper + 1
    return labels + [f"{lower}+"]


def age_band(age: ir.IntegerValue, edges: Sequence[int] = AGE_BAND_EDGES) -> ir.StringValue:
    labels = band_labels(edges)
    cases = [(age < hi, label) for hi, label in zip(edges[1:], labels, strict=False)]
    return ibis.cases(*cases, else_=labels[-1])


def day_class(days: ir.IntegerValue, bounds: Sequence[int]) -> ir.StringValue:
    """The class label of a whole number of days."""
    labels = class_labels(bounds)
    cases = [(days <= upper, label) for upper, label in zip(bounds, labels, strict=False)]
    return ibis.cases(*cases, else_=labels[-1])


def validate_bounds(bounds: Sequence[int], what: str) -> tuple[int, ...]:
    bounds = tuple(bounds)
    if not bounds or any(b < 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise ValueError(f"{what} must be increasing whole numbers of days ≥ 0, got {bounds}")
    return bounds
