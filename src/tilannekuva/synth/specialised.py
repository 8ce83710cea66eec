"""Specialised care: referrals with a waiting list, outpatient visits, the emergency department,
inpatient episodes and readmissions.

The referral waiting list is a deterministic *fluid queue* per specialty, computed once for the
county from the expected (not the realised) demand, so that every person chunk reads the same
waits and chunks stay independent:

    backlog(t + 1) = max(0, backlog(t) + demand(t) − capacity(t))

served first in, first out: a referral arriving on day t is treated when the cumulative capacity
has caught up with the cumulative arrivals up to t, so a capacity dip ahead lengthens the wait of
those already on the list (≈ backlog / capacity when capacity is steady).

Demand follows the winter/July season; capacity is normally 12 % above mean demand, falls in the
summer (June/August −25 %, July −70 %) and during a staffing shortfall over the second simulated
year (−12 %), so the list grows in each summer and through year 2 and is worked down afterwards.
A referral received on day t starts treatment about wait(t) after its need is established.

Children and young people with mental-health needs (`Persons.mental`) have their own psychiatric
inpatient care (`_youth_psychiatric`): admissions by age on the admission day to child (7–12),
adolescent (13–17) or adult (18–22) psychiatry on the county's psychiatric ward, longer stays,
readmissions within 30 days and within a year, and outpatient follow-up at the psychiatric clinic
after discharge, so that the youth mental-health report (readmission, time to readmission,
visits between episodes) has episodes to follow. The rates are plausible choices, not
calibrated to a published county figure (there is no calibration target for them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assembly import Block
from .population import Persons, mean_morbidity_power
from .structure import REFERRAL_SPECIALTIES, WARDS, County
from .timeline import (
    EMERGENCY_WEEKDAY,
    around_the_clock_seconds,
    at_time,
    days,
    null_after,
    office_seconds,
    season,
)
from .visits import add_visits
from .writer import code_index, pick

REFERRALS_PER_YEAR = 0.12
REFERRAL_POWER = 0.6
CAPACITY_MARGIN = 1.12
SHORTFALL_YEAR, SHORTFALL = 1, 0.88
INITIAL_BACKLOG_DAYS = 20
LEAD_IN_DAYS = 240
MIN_WAIT_DAYS = 7
ED_VISITS_PER_YEAR = 0.25
ED_POWER = 1.0
#: Probability that an inpatient discharge is followed by an unplanned readmission within 30
#: days, at morbidity 1 (rises with morbidity).
READMISSION_BASE = 0.03
SPECIALTY_ICD10 = {
    "internal_medicine": ["I50.9", "J18.9", "E11.6", "N39.0", "I48.9"],
    "surgery": ["K35.8", "K80.2", "K40.9", "K56.7"], "orthopaedics": ["S72.0", "M17.1", "S82.6"],
    "geriatrics": ["R54", "F03", "S72.0"], "psychiatry": ["F32.2", "F20.0", "F10.3"],
    "paediatrics": ["J21.9", "A08.4", "J45.9"], "gynaecology": ["O80", "N81.1", "D25.9"],
    "neurology": ["I63.9", "G40.9", "G35"],
}

WARD_NAMES = list(WARDS)
#: Main diagnoses by ward specialty (rows follow WARD_NAMES; short lists repeat).
EPISODE_ICD10 = np.array([[codes[k % len(codes)] for k in range(5)]
                          for codes in (SPECIALTY_ICD10[w] for w in WARD_NAMES)], dtype=object)

#: Psychiatric inpatient care of young persons with mental-health needs, by age on the admission
#: day: (lowest age, age limit, responsible specialty, admissions per person-year).
YOUTH_PSYCHIATRY = (
    (7, 13, "child_psychiatry", 0.02),
    (13, 18, "adolescent_psychiatry", 0.05),
    (18, 23, "psychiatry", 0.04),
)
#: Main diagnoses of young persons' psychiatric episodes, by responsible specialty.
YOUTH_ICD10 = {
    "child_psychiatry": ["F90.0", "F91.3", "F92.8", "F93.8", "F43.2"],
    "adolescent_psychiatry": ["F32.2", "F32.1", "F41.1", "F43.1", "F50.0", "F60.3", "F20.0"],
    "psychiatry": ["F32.2", "F33.1", "F41.1", "F20.0", "F31.1", "F60.3", "F10.2"],
}
#: After a young person's psychiatric discharge: probability of a readmission within 30 days,
#: and of one in 31–365 days instead.
YOUTH_READMISSION_MONTH, YOUTH_READMISSION_YEAR = 0.17, 0.15
#: Mean number of outpatient visits at the psychiatric clinic within 60 days of such a discharge.
YOUTH_FOLLOW_UPS = 3.0


@dataclass(frozen=True)
class ReferralQueue:
    """Expected wait (days) from need established to treatment, by specialty and calendar day."""

    first_day: np.datetime64
    wait: np.ndarray   # [specialty, day]

    def wait_on(self, specialty: np.ndarray, day: np.ndarray) -> np.ndarray:
        i = np.clip((day.astype("datetime64[D]") - self.first_day).astype(np.int64), 0,
                    self.wait.shape[1] - 1)
        return self.wait[specialty, i]


def capacity_factor(county: County, day: np.ndarray) -> np.ndarray:
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    summer = np.select([month == 7, np.isin(month, (6, 8))], [0.3, 0.75], 1.0)
    shortfall = np.where(county.period.year_index(day) == SHORTFALL_YEAR, SHORTFALL, 1.0)
    if county.period.years <= SHORTFALL_YEAR:
        shortfall = np.ones_like(summer)
    return summer * shortfall


def referral_queue(county: County) -> ReferralQueue:
    calendar = county.calendar_days
    shares = np.array(list(REFERRAL_SPECIALTIES.values()))
    mean_demand = county.residents * REFERRALS_PER_YEAR / 365 * shares * 0.88
    demand = mean_demand[:, None] * season(calendar)[None, :]
    normal = mean_demand * CAPACITY_MARGIN
    capacity = normal[:, None] * capacity_factor(county, calendar)[None, :]
    backlog = np.empty_like(demand)
    level = mean_demand * INITIAL_BACKLOG_DAYS
    for t in range(len(calendar)):
        level = np.maximum(0, level + demand[:, t] - capacity[:, t])
        backlog[:, t] = level
    # FIFO: whoever arrives on day t is served when cumulative service reaches the cumulative
    # arrivals up to t; past the calendar the remaining backlog clears at normal capacity.
    arrived = mean_demand[:, None] * INITIAL_BACKLOG_DAYS + np.cumsum(demand, axis=1)
    served = arrived - backlog
    wait = np.empty_like(demand)
    t = np.arange(len(calendar))
    for j in range(len(shares)):
        done = np.searchsorted(served[j], arrived[j])
        beyond = done >= len(calendar)
        wait[j] = np.where(beyond, backlog[j] / normal[j], done - t)
    return ReferralQueue(calendar[0], MIN_WAIT_DAYS + wait)


def generate(block: Block, county: County, persons: Persons, rng: np.random.Generator,
             queue: ReferralQueue) -> None:
    episodes = [_referrals(block, county, persons, rng, queue), _emergency(block, county, persons,
                                                                           rng)]
    _episodes(block, county, persons, rng, episodes, _youth_psychiatric(county, persons, rng))


def _specialty_for(rng: np.random.Generator, persons: Persons, who: np.ndarray) -> np.ndarray:
    names = list(REFERRAL_SPECIALTIES)
    shares = np.array(list(REFERRAL_SPECIALTIES.values()))
    spec = rng.choice(len(names), len(who), p=shares / shares.sum())
    age, female = persons.age[who], persons.female[who]
    idx = {name: i for i, name in enumerate(names)}
    child_choice = np.array([idx["paediatrics"], idx["child_psychiatry"],
                             idx["otorhinolaryngology"], idx["ophthalmology"]])
    spec = np.where(age < 13, child_choice[rng.choice(4, len(who), p=[.6, .15, .15, .1])], spec)
    youth = (age >= 13) & (age < 23)
    spec = np.where(youth & persons.mental[who], idx["adolescent_psychiatry"], spec)
    paediatric = np.isin(spec, [idx["paediatrics"], idx["child_psychiatry"],
                                idx["adolescent_psychiatry"]])
    spec = np.where((age >= 23) & paediatric, idx["internal_medicine"], spec)
    spec = np.where((spec == idx["gynaecology"]) & ~female, idx["surgery"], spec)
    spec = np.where((spec == idx["geriatrics"]) & (age < 70), idx["neurology"], spec)
    return spec


def _referrals(block: Block, county: County, persons: Persons, rng: np.random.Generator,
               queue: ReferralQueue):
    period = county.period
    rate = (REFERRALS_PER_YEAR * period.years * persons.morbidity ** REFERRAL_POWER
            / mean_morbidity_power(REFERRAL_POWER))
    who = np.repeat(np.arange(len(persons)), rng.poisson(rate * (1 + LEAD_IN_DAYS / period.n_days)))
    n = len(who)
    # Referrals also arrive in a lead-in before the period; those still open at its start are
    # the waiting list the extract begins with.
    lead_in = rng.random(n) < LEAD_IN_DAYS / (period.n_days + LEAD_IN_DAYS)
    received_day = np.where(lead_in, period.first_day - rng.integers(1, LEAD_IN_DAYS + 1, n)
                            .astype("timedelta64[D]"),
                            period.sample_days(rng, n, period.day_weights()))
    received_day = period.working_day(received_day)
    received = at_time(received_day, office_seconds(rng, n))
    spec = _specialty_for(rng, persons, who)
    urgent = rng.random(n) < 0.12
    removed = ~urgent & (rng.random(n) < 0.10)

    assess = np.where(urgent, received + days(rng.uniform(0.01, 1, n)),
                      at_time(period.working_day(received_day + rng.integers(1, 11, n).astype(
                          "timedelta64[D]")), office_seconds(rng, n)))
    need = assess + days(np.where(urgent, rng.uniform(0, 1, n), rng.integers(0, 11, n)))
    wait = queue.wait_on(spec, received_day) * rng.lognormal(0, 0.3, n)
    treat = need + days(np.where(urgent, rng.uniform(0, 7, n), wait + rng.uniform(0, 7, n)))
    removed_at = received + days(rng.uniform(5, 90, n))
    end = period.end
    treat = np.where(removed, np.datetime64("NaT"), treat)
    need = np.where(removed & (rng.random(n) < 0.5), np.datetime64("NaT"), need)
    region = county.station_region[persons.station[who]]
    to_unit = county.outpatient_unit[region, spec]
    from_unit = np.where(rng.random(n) < 0.8, county.station_unit[persons.station[who]], -1)
    removed_at = np.where(removed, removed_at, np.datetime64("NaT"))
    closed = np.fmin(treat, removed_at)
    keep = (received < end) & (~lead_in | np.isnat(closed) | (closed >= period.first_day.astype(
        "datetime64[s]")))
    block.add(
        "referrals", person_id=persons.index[who[keep]], from_unit_id=from_unit[keep],
        to_unit_id=to_unit[keep],
        specialty=code_index("specialty", list(REFERRAL_SPECIALTIES))[spec[keep]],
        priority=code_index("referral_priority", ["non_urgent", "urgent"])[urgent[keep].astype(
            int)],
        received_at=received[keep], assessment_started_at=null_after(assess[keep], end),
        need_established_at=null_after(need[keep], end),
        treatment_started_at=null_after(treat[keep], end),
        removed_at=null_after(removed_at[keep], end),
        removal_reason=np.where(removed & (removed_at < end), pick(
            "referral_removal_reason", rng, n, {"not_needed": 0.45, "patient_declined": 0.2,
                                                "treated_elsewhere": 0.15, "moved": 0.1,
                                                "other": 0.1}), -1)[keep])

    treated = keep & ~removed & (treat < end) & (treat >= period.first_day.astype("datetime64[s]"))
    w = who[treated]
    unit = to_unit[treated]
    professional = county.pick_staff(rng, unit, "physician")
    add_visits(block, county, rng, persons, who=w, professional=professional,
               start=treat[treated], service="specialised_outpatient",
               urgency=np.where(urgent[treated], code_index("urgency", ["urgent"])[0],
                                code_index("urgency", ["non_urgent"])[0]),
               booked=treat[treated] - days(rng.uniform(1, 20, len(w))),
               contact_types={"physical": 0.85, "video": 0.05, "phone": 0.1})
    follow = np.repeat(np.arange(len(w)), rng.poisson(1.5, len(w)))
    follow_start = at_time(period.working_day(treat[treated][follow].astype("datetime64[D]")
                                              + rng.integers(14, 180, len(follow)).astype(
                                                  "timedelta64[D]")),
                           office_seconds(rng, len(follow)))
    add_visits(block, county, rng, persons, who=w[follow],
               professional=county.pick_staff(rng, unit[follow], "physician"),
               start=follow_start, service="specialised_outpatient", urgency="non_urgent",
               booked=follow_start - days(rng.uniform(7, 60, len(follow))),
               contact_types={"physical": 0.7, "video": 0.1, "phone": 0.2})

    names = list(REFERRAL_SPECIALTIES)
    elective = treated & (rng.random(n) < np.select(
        [np.isin(spec, [names.index(s) for s in ("surgery", "orthopaedics", "gynaecology")])],
        [0.45], 0.05))
    ward_of = np.array([WARD_NAMES.index(s if s in WARDS else "internal_medicine")
                        for s in names])
    return dict(who=who[elective], admitted=treat[elective] + days(rng.uniform(0, 0.3,
                                                                               elective.sum())),
                specialty=ward_of[spec[elective]], source="referral")


def _emergency(block: Block, county: County, persons: Persons, rng: np.random.Generator):
    period = county.period
    rate = (ED_VISITS_PER_YEAR * period.years * persons.morbidity ** ED_POWER
            / mean_morbidity_power(ED_POWER))
    who = np.repeat(np.arange(len(persons)), rng.poisson(rate))
    n = len(who)
    day = period.sample_days(rng, n, period.day_weights(EMERGENCY_WEEKDAY, 0.1, 0.95))
    start = at_time(day, around_the_clock_seconds(rng, n))
    unit = county.region_units["emergency_department"][county.station_region[persons.station[who]]]
    physician = rng.random(n) < 0.7
    professional = np.where(physician, county.pick_staff(rng, unit, "physician"),
                            county.pick_staff(rng, unit, "nurse"))
    add_visits(block, county, rng, persons, who=who, professional=professional, start=start,
               service="emergency", urgency=pick("urgency", rng, n, {"emergency": 0.4,
                                                                      "urgent": 0.6}),
               contact_types={"physical": 1.0}, status={"done": 0.97, "no_show": 0.03})
    age = persons.age[who]
    p_admit = np.clip(0.09 * persons.morbidity[who] ** 0.4 * np.where(age >= 75, 1.8, 1.0),
                      0, 0.6)
    admitted = rng.random(n) < p_admit
    w = who[admitted]
    a = age[admitted]
    u = rng.random(len(w))
    spec = np.select(
        [a < 16, persons.mental[w] & (u < 0.3), (a >= 75) & (u < 0.35), u < 0.55, u < 0.7,
         u < 0.82, u < 0.9],
        [WARD_NAMES.index(s) for s in ("paediatrics", "psychiatry", "geriatrics",
                                       "internal_medicine", "surgery", "orthopaedics",
                                       "neurology")], WARD_NAMES.index("internal_medicine"))
    return dict(who=w, admitted=start[admitted] + days(rng.uniform(0.05, 0.4, len(w))),
                specialty=spec, source="emergency_department")


def _youth_psychiatric(county: County, persons: Persons, rng: np.random.Generator) -> dict:
    """Psychiatric stays of young persons with mental-health needs, readmissions included (see
    YOUTH_PSYCHIATRY): candidate admissions at the highest rate are thinned to the rate of the
    age on the admission day, so a person moves from child to adolescent to adult psychiatry
    as they age and stops at 23."""
    period = county.period
    lowest = np.array([lo for lo, *_ in YOUTH_PSYCHIATRY])
    limit = YOUTH_PSYCHIATRY[-1][1]
    rates = np.array([rate for *_, rate in YOUTH_PSYCHIATRY])
    eligible = np.flatnonzero(persons.mental & (persons.age < limit))
    who = np.repeat(eligible, rng.poisson(rates.max() * period.years, len(eligible)))
    day = period.sample_days(rng, len(who), period.day_weights(EMERGENCY_WEEKDAY, 0.1, 0.95))
    age = persons.age_on(day, who)
    band = np.searchsorted(lowest, age, side="right") - 1
    keep = (band >= 0) & (age < limit) & (rng.random(len(who)) < rates[np.maximum(band, 0)]
                                          / rates.max())
    who, day, band = who[keep], day[keep], band[keep]
    n = len(who)
    from_ed = rng.random(n) < 0.6
    admitted = at_time(day, np.where(from_ed, around_the_clock_seconds(rng, n),
                                     office_seconds(rng, n)))
    discharged = admitted + days(1 + rng.gamma(1.5, 12, n))
    u = rng.random(n)
    again = u < YOUTH_READMISSION_MONTH + YOUTH_READMISSION_YEAR
    gap = np.where(u < YOUTH_READMISSION_MONTH, rng.uniform(0.05, 30, n),
                   rng.uniform(30, 365, n))[again]
    re_admitted = discharged[again] + days(gap)
    re_from_ed = rng.random(again.sum()) < 0.7
    who = np.concatenate([who, who[again]])
    band = np.concatenate([band, band[again]])
    admitted = np.concatenate([admitted, re_admitted])
    discharged = np.concatenate([discharged, re_admitted + days(1 + rng.gamma(1.5, 12,
                                                                              again.sum()))])
    sources = code_index("admission_source", ["referral", "emergency_department"])
    source = sources[np.concatenate([from_ed, re_from_ed]).astype(np.int64)]
    names = [name for _, _, name, _ in YOUTH_PSYCHIATRY]
    icd = np.empty(len(who), dtype=object)
    for b, name in enumerate(names):
        members = band == b
        icd[members] = np.array(YOUTH_ICD10[name], dtype=object)[
            rng.integers(0, len(YOUTH_ICD10[name]), members.sum())]
    clinic = np.array([list(REFERRAL_SPECIALTIES).index(name) for name in names])[band]
    return dict(who=who, admitted=admitted, discharged=discharged, source=source, icd=icd,
                clinic=clinic)


def _episodes(block: Block, county: County, persons: Persons, rng: np.random.Generator,
              sources: list[dict], youth: dict) -> None:
    """Inpatient stays from ED admissions and elective treatment, plus unplanned readmissions
    within 30 days, and the young persons' psychiatric stays (`youth`, readmissions included);
    a stay that would overlap an earlier stay of the same person is dropped. Young persons'
    psychiatric discharges are followed up at the psychiatric outpatient clinic."""
    who = np.concatenate([s["who"] for s in sources])
    admitted = np.concatenate([s["admitted"] for s in sources])
    spec = np.concatenate([s["specialty"] for s in sources])
    source = np.concatenate([np.full(len(s["who"]), code_index("admission_source",
                                                               [s["source"]])[0])
                             for s in sources])
    m = persons.morbidity[who]
    stay = 0.5 + rng.gamma(1.3, 2.2 * m ** 0.25)
    discharged = admitted + days(stay)
    p_readmit = np.clip(READMISSION_BASE * m ** 0.35, 0, 0.5)
    again = rng.random(len(who)) < p_readmit
    re_admitted = discharged[again] + days(rng.uniform(1, 30, again.sum()))
    re_stay = 0.5 + rng.gamma(1.3, 2.5 * m[again] ** 0.25)
    who = np.concatenate([who, who[again]])
    admitted = np.concatenate([admitted, re_admitted])
    discharged = np.concatenate([discharged, re_admitted + days(re_stay)])
    spec = np.concatenate([spec, spec[again]])
    source = np.concatenate([source, np.full(again.sum(), code_index(
        "admission_source", ["emergency_department"])[0])])
    icd = EPISODE_ICD10[spec, rng.integers(0, EPISODE_ICD10.shape[1], len(who))]
    clinic = np.full(len(who), -1)

    n_youth = len(youth["who"])
    who = np.concatenate([who, youth["who"]])
    admitted = np.concatenate([admitted, youth["admitted"]])
    discharged = np.concatenate([discharged, youth["discharged"]])
    spec = np.concatenate([spec, np.full(n_youth, WARD_NAMES.index("psychiatry"))])
    source = np.concatenate([source, youth["source"]])
    icd = np.concatenate([icd, youth["icd"]])
    clinic = np.concatenate([clinic, youth["clinic"]])
    responsible = np.where(clinic >= 0, code_index("specialty", list(REFERRAL_SPECIALTIES))[
        np.maximum(clinic, 0)], code_index("specialty", WARD_NAMES)[spec])

    columns = (who, admitted, discharged, spec, source, icd, clinic, responsible)
    keep = admitted < county.period.end
    columns = tuple(x[keep] for x in columns)
    order = np.lexsort((columns[1], columns[0]))
    who, admitted, discharged, *rest = (x[order] for x in columns)
    alive = np.ones(len(who), dtype=bool)
    while True:
        idx = np.flatnonzero(alive)
        clash = (who[idx[1:]] == who[idx[:-1]]) & (admitted[idx[1:]] < discharged[idx[:-1]])
        if not clash.any():
            break
        alive[idx[1:][clash]] = False
    who, admitted, discharged, spec, source, icd, clinic, responsible = (
        x[alive] for x in (who, admitted, discharged, *rest))
    n = len(who)
    region = county.station_region[persons.station[who]]
    ward = np.stack([county.ward_unit[s] for s in WARD_NAMES])[spec, region]
    old = persons.age[who] >= 75
    destination = np.where(old, pick("discharge_destination", rng, n, {
        "home": 0.5, "home_care": 0.3, "service_housing_24h": 0.08, "other_hospital": 0.07,
        "other": 0.05}), pick("discharge_destination", rng, n, {
        "home": 0.88, "other_hospital": 0.05, "other": 0.07}))
    ongoing = discharged >= county.period.end
    block.add("episodes", person_id=persons.index[who], unit_id=ward,
              specialty=responsible, admitted_at=admitted,
              discharged_at=null_after(discharged, county.period.end),
              admission_source=source,
              discharged_to=np.where(ongoing, -1, destination), diagnosis_icd10=icd)
    followed = (clinic >= 0) & ~ongoing
    _youth_follow_ups(block, county, persons, rng, who[followed], discharged[followed],
                      clinic[followed])


def _youth_follow_ups(block: Block, county: County, persons: Persons, rng: np.random.Generator,
                      who: np.ndarray, discharged: np.ndarray, clinic: np.ndarray) -> None:
    """Outpatient visits at the psychiatric clinic of the responsible specialty within 60 days
    of a young person's psychiatric discharge."""
    owner = np.repeat(np.arange(len(who)), rng.poisson(YOUTH_FOLLOW_UPS, len(who)))
    n = len(owner)
    if n == 0:
        return
    day = county.period.working_day(discharged[owner].astype("datetime64[D]")
                                    + rng.integers(2, 61, n).astype("timedelta64[D]"))
    start = at_time(day, office_seconds(rng, n))
    region = county.station_region[persons.station[who[owner]]]
    unit = county.outpatient_unit[region, clinic[owner]]
    add_visits(block, county, rng, persons, who=who[owner],
               professional=county.pick_staff(rng, unit, "physician"), start=start,
               service="specialised_outpatient", urgency="non_urgent",
               booked=start - days(rng.uniform(1, 14, n)),
               contact_types={"physical": 0.75, "phone": 0.15, "video": 0.1})
