"""Unit costs for cost-concentration analysis: one price per cost item and simulated year.

Prices are synthetic round figures of the order of Finnish municipal cost statistics for 2023
(not the county's own prices), indexed by 3.5 % a year.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..schema import codes
from .timeline import Period
from .writer import to_arrow

#: cost item -> (euros in the first year, basis)
PRICES = {
    "primary_physician_visit": (160, "visit"), "primary_nurse_visit": (70, "visit"),
    "remote_contact": (35, "contact"), "oral_care_visit": (120, "visit"),
    "mental_health_visit": (130, "visit"), "specialised_outpatient_visit": (380, "visit"),
    "ed_visit": (420, "visit"), "inpatient_day": (950, "day"), "home_care_visit": (55, "visit"),
    "service_housing_day": (230, "day"), "social_work_visit": (110, "visit"),
    "social_service_month": (900, "month"),
}
ANNUAL_INDEX = 1.035


def unit_costs(period: Period) -> pa.Table:
    items = codes("cost_item")
    missing = set(items) - set(PRICES)
    if missing:
        raise KeyError(f"no synthetic price for cost items {sorted(missing)}")
    years = np.arange(period.years)
    item = np.repeat(items, len(years))
    year = np.tile(years, len(items))
    euros = np.array([PRICES[i][0] for i in item]) * ANNUAL_INDEX ** year
    return to_arrow("unit_costs", {
        "cost_item": pa.array(item, pa.string()),
        "year": period.start.year + year,
        "euros": np.round(euros, 2),
        "per": pa.array([PRICES[i][1] for i in item], pa.string()),
    })
