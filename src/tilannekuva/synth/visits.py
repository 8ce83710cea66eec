"""Shared helpers for generating visits: who sees the client, in which mode, with what outcome.

Continuity model (see structure.py): a general-practice visit goes to the person's own physician
or nurse with a station-specific probability, otherwise to a uniformly chosen professional of the
pool (the station's physicians; the region's station nurses, since remote and covering nurse
work crosses station borders). Other services pick a professional of the unit uniformly.
"""

from __future__ import annotations

import numpy as np

from .assembly import Block
from .population import Persons
from .structure import County
from .writer import code_index, pick

STATUS = {"done": 0.92, "cancelled": 0.05, "no_show": 0.03}
CONTACT_TYPES = {"physical": 0.72, "phone": 0.18, "video": 0.06, "chat": 0.02,
                 "async_message": 0.02}
ICPC2 = ["A04", "R05", "R74", "L03", "L02", "K86", "T90", "P76", "S03", "D01", "U71", "N01"]
ICD10 = ["J06.9", "I10", "E11.9", "M54.5", "F32.1", "J45.9", "N39.0", "L30.9", "K21.9",
         "M17.1", "F41.1", "R51"]


def general_practice_professional(county: County, rng: np.random.Generator, persons: Persons,
                                  who: np.ndarray, group: str) -> np.ndarray:
    """Own professional with probability p(station), else one of the pool uniformly."""
    station = persons.station[who]
    own = persons.own_physician[who] if group == "physician" else persons.own_nurse[who]
    n = len(who)
    other = np.empty(n, dtype=np.int64)
    if group == "physician":
        other[:] = county.pick_staff(rng, county.station_unit[station], "physician")
    else:
        region = county.station_region[station]
        for r in np.unique(region):
            members = region == r
            pool = county.region_nurse_pool[r]
            other[members] = pool[rng.integers(0, len(pool), members.sum())]
    return np.where(rng.random(n) < county.own_probability[group][station], own, other)


def add_visits(block: Block, county: County, rng: np.random.Generator, persons: Persons, *,
               who: np.ndarray, professional: np.ndarray, start: np.ndarray, service: str,
               urgency: np.ndarray | str, booked: np.ndarray | None = None,
               assessment: np.ndarray | None = None, contact_types: dict | None = None,
               status: dict | None = None, exclusion: np.ndarray | None = None,
               first_care_event: np.ndarray | None = None, diagnoses: bool = True) -> np.ndarray:
    """Add visits of persons `who` (block positions) and return their row numbers.

    Visits that would start after the extract are not written: the extract holds history only.
    """
    keep = start < county.period.end
    n = int(keep.sum())
    if n == 0:
        return np.empty(0, dtype=np.int64)

    def kept(values):
        return values[keep] if isinstance(values, np.ndarray) else values

    professional = professional[keep]
    profession = county.professional_profession[professional]
    urgency = kept(urgency)
    if isinstance(urgency, str):
        urgency = np.full(n, code_index("urgency", [urgency])[0])
    columns = dict(
        person_id=persons.index[who[keep]],
        unit_id=county.professional_unit[professional],
        professional_id=professional,
        profession=profession,
        start_at=start[keep],
        contact_type=pick("contact_type", rng, n, contact_types or CONTACT_TYPES),
        service=np.full(n, code_index("service", [service])[0]),
        urgency=urgency,
        status=pick("visit_status", rng, n, status or STATUS),
    )
    if booked is not None:
        columns["booked_at"] = np.minimum(booked[keep], start[keep])
    if assessment is not None:
        columns["assessment_id"] = assessment[keep]
    if exclusion is not None:
        columns["guarantee_exclusion"] = exclusion[keep]
    if first_care_event is not None:
        columns["first_care_event"] = first_care_event[keep].astype(np.int64)
    if diagnoses:
        physician = profession == code_index("profession", ["physician"])[0]
        icd = np.array(ICD10, dtype=object)[rng.integers(0, len(ICD10), n)]
        columns["diagnosis_icd10"] = np.where(physician, icd, None)
        columns["diagnosis_icpc2"] = np.array(ICPC2, dtype=object)[rng.integers(0, len(ICPC2),
                                                                                n)]
    return block.add("visits", **columns)
