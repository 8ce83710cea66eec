"""The county's service structure: municipalities, units, professionals and the capacity of
each health station over time.

Everything here is decided once per county from (seed, residents, period) and shared by every
person chunk, so chunks can be generated independently. The structure scales with the number of
residents: the municipalities are always the eight of Central Ostrobothnia (Soite) with their
real population shares, and units and staff are added per head (one health station per about
9,000 residents, one hospital region per about 150,000, staff ratios below), so a national-size
run is a believable, if oddly named, very large county.

Modelling assumptions (see docs/calibration.md):
* Residents are numbered so that each municipality, and within it each health station, owns a
  contiguous range of person indices; a person belongs to the station that owns their index.
* Each health station has an *access factor* (lognormal around 1): some areas are slower than
  others. The mean wait to a non-urgent appointment is ``MEAN_WAIT_BY_YEAR[year] × factor ×
  seasonal capacity`` and the calendar is booked up to a horizon proportional to it; this single
  quantity drives both the 7-day access figure and T3, so they move together as in real data.
* Continuity: a visit goes to the person's own professional with probability ``p``, otherwise to
  a professional of the pool chosen uniformly. ``p`` is solved per station from the pool size K so
  that the expected Bice–Boxerman index ``p² + (1 − p²)/K`` equals the calibration target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from . import ids
from .timeline import Period
from .writer import code_index, coded, to_arrow

#: (code, name, population 2023 rounded) — Soite's eight municipalities.
MUNICIPALITIES = (
    ("272", "Kokkola", 48_000),
    ("217", "Kannus", 5_400),
    ("236", "Kaustinen", 4_200),
    ("069", "Halsua", 1_100),
    ("421", "Lestijärvi", 700),
    ("584", "Perho", 2_700),
    ("849", "Toholampi", 3_100),
    ("924", "Veteli", 3_100),
)

RESIDENTS_PER_STATION = 9_000
RESIDENTS_PER_REGION = 150_000

#: Mean wait (days) from care-needs assessment to a non-urgent physician visit, by simulated
#: year, at an average station outside the summer. Falls as the county improves access.
MEAN_WAIT_BY_YEAR = (6.9, 6.2, 5.5)
#: Nurse appointments are found faster than physician ones.
NURSE_WAIT_RATIO = 0.5
#: T3 horizon (days booked ahead) per day of mean wait, per profession group.
HORIZON_PER_WAIT = {"physician": 2.6, "nurse": 2.2}
MAX_HORIZON_DAYS = 33

#: Target continuity (Bice–Boxerman COC) the visit allocation is solved for.
TARGET_COC = {"physician": 0.38, "nurse": 0.165}

#: Specialties with an outpatient clinic, and their share of referrals.
REFERRAL_SPECIALTIES = {
    "internal_medicine": 0.20, "surgery": 0.14, "orthopaedics": 0.14, "gynaecology": 0.08,
    "paediatrics": 0.05, "psychiatry": 0.07, "adolescent_psychiatry": 0.03,
    "child_psychiatry": 0.02, "neurology": 0.06, "ophthalmology": 0.10,
    "otorhinolaryngology": 0.06, "geriatrics": 0.05,
}
#: Wards (specialty, beds per 100,000 residents).
WARDS = {
    "internal_medicine": 60, "surgery": 35, "orthopaedics": 20, "geriatrics": 30,
    "psychiatry": 20, "paediatrics": 8, "gynaecology": 8, "neurology": 10,
}

#: Staff ratios: residents per professional, by unit type and profession.
STAFF = {
    "health_station": {"physician": 1_500, "nurse": 1_300, "public_health_nurse": 2_600},
    "oral_care_clinic": {"dentist": 2_200, "dental_hygienist": 3_500},
    "mental_health_clinic": {"psychologist": 6_000, "nurse": 4_000},
    "home_care_team": {"practical_nurse": 350, "nurse": 2_000},
    "social_work_office": {"social_worker": 3_000, "social_counsellor": 3_000},
    "emergency_department": {"physician": 7_000, "nurse": 3_000},
    "phone_service": {"nurse": 7_000},
    "digital_service": {"nurse": 20_000},
}
MIN_STAFF = {"physician": 3, "nurse": 3}

UNIT_AREA = {
    "health_station": ("primary_care", "primary"),
    "oral_care_clinic": ("oral_care", "primary"),
    "mental_health_clinic": ("mental_health_substance", "primary"),
    "home_care_team": ("older_people", "social"),
    "service_housing": ("older_people", "social"),
    "social_work_office": ("adults", "social"),
    "emergency_department": ("emergency", "specialised"),
    "outpatient_clinic": ("specialised_care", "specialised"),
    "ward": ("specialised_care", "specialised"),
    "phone_service": ("primary_care", "primary"),
    "digital_service": ("digital", "primary"),
    "situation_centre": ("operations", "ops"),
}

FI_TYPE_NAMES = {
    "health_station": "terveysasema", "oral_care_clinic": "hammashoitola",
    "mental_health_clinic": "mielenterveys- ja päihdepalvelut", "home_care_team": "kotihoito",
    "service_housing": "palvelukoti", "social_work_office": "sosiaalitoimisto",
    "emergency_department": "yhteispäivystys", "outpatient_clinic": "poliklinikka",
    "ward": "osasto", "phone_service": "terveysneuvonta", "digital_service": "chat",
    "situation_centre": "tilannekeskus",
}


@dataclass
class Units:
    """A growing list of units, kept as columns."""

    unit_type: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    municipality: list[str] = field(default_factory=list)
    specialty: list[str | None] = field(default_factory=list)
    beds: list[int | None] = field(default_factory=list)
    population: list[float] = field(default_factory=list)

    def add(self, unit_type: str, name: str, municipality: str, population: float,
            specialty: str | None = None, beds: int | None = None) -> int:
        self.unit_type.append(unit_type)
        self.name.append(name)
        self.municipality.append(municipality)
        self.specialty.append(specialty)
        self.beds.append(beds)
        self.population.append(population)
        return len(self.unit_type) - 1


@dataclass
class County:
    """The structure of one synthetic county. Index arrays are by station, region or unit."""

    seed: int
    residents: int
    period: Period
    municipality_codes: np.ndarray
    municipality_first_person: np.ndarray
    station_first_person: np.ndarray
    station_municipality: np.ndarray
    station_region: np.ndarray
    station_unit: np.ndarray
    station_units: dict[str, np.ndarray]
    region_units: dict[str, np.ndarray]
    outpatient_unit: np.ndarray        # [region, referral specialty]
    ward_unit: dict[str, np.ndarray]   # ward specialty -> unit by region
    units: Units
    professional_unit: np.ndarray
    professional_profession: np.ndarray   # positions in the profession code list
    staff_start: dict[str, np.ndarray]    # group -> first professional per unit
    staff_count: dict[str, np.ndarray]    # group -> number of professionals per unit
    region_nurse_pool: list[np.ndarray]   # region -> station nurse-group professionals
    own_probability: dict[str, np.ndarray]  # group -> p(own professional) by station
    calendar_days: np.ndarray             # days covered by the wait/horizon matrices
    mean_wait: np.ndarray                 # [station, calendar day] physician mean wait

    @property
    def n_stations(self) -> int:
        return len(self.station_first_person)

    def station_of(self, person: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.station_first_person, person, side="right") - 1

    def calendar_index(self, day: np.ndarray) -> np.ndarray:
        i = (day.astype("datetime64[D]") - self.calendar_days[0]).astype(np.int64)
        return np.clip(i, 0, len(self.calendar_days) - 1)

    def wait_mean(self, station: np.ndarray, day: np.ndarray, group: str) -> np.ndarray:
        m = self.mean_wait[station, self.calendar_index(day)]
        return m * NURSE_WAIT_RATIO if group == "nurse" else m

    def horizon(self, station: np.ndarray, day: np.ndarray, group: str) -> np.ndarray:
        """Days ahead to which the station's calendar of `group` is booked on `day`."""
        h = HORIZON_PER_WAIT[group] * self.wait_mean(station, day, group)
        return np.clip(h, 1, MAX_HORIZON_DAYS)

    def pick_staff(self, rng: np.random.Generator, unit: np.ndarray, group: str) -> np.ndarray:
        """A professional of `group` working at each `unit`, uniformly."""
        count = self.staff_count[group][unit]
        if np.any(count == 0):
            raise ValueError(f"a unit without {group} staff was asked for one")
        return self.staff_start[group][unit] + (rng.random(len(unit)) * count).astype(np.int64)

    def units_table(self) -> pa.Table:
        u = self.units
        n = len(u.unit_type)
        areas = [UNIT_AREA[t] for t in u.unit_type]
        return to_arrow("units", {
            "unit_id": unit_ids(np.arange(n)),
            "name": pa.array(u.name, pa.string()),
            "service_area": coded("service_area", code_index("service_area",
                                                            [a for a, _ in areas])),
            "municipality": pa.array(u.municipality, pa.string()),
            "level": coded("unit_level", code_index("unit_level", [lv for _, lv in areas])),
            "unit_type": coded("unit_type", code_index("unit_type", u.unit_type)),
            "specialty": pa.array(u.specialty, pa.string()),
            "beds": pa.array(u.beds, pa.int64()),
        })

    def professionals_table(self) -> pa.Table:
        n = len(self.professional_unit)
        return to_arrow("professionals", {
            "professional_id": professional_ids(np.arange(n)),
            "profession": coded("profession", self.professional_profession),
            "unit_id": unit_ids(self.professional_unit),
        })


def unit_ids(index: np.ndarray) -> pa.StringArray:
    return ids.format_ids("u", (np.asarray(index) + 1, 5))


def professional_ids(index: np.ndarray) -> pa.StringArray:
    return ids.format_ids("h", (np.asarray(index) + 1, 6))


def _split(total: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts summing to `total`, proportional to `shares` (largest remainder)."""
    exact = shares / shares.sum() * total
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact)[: total - counts.sum()]] += 1
    return counts


def _capacity_season(day: np.ndarray) -> np.ndarray:
    """Wait multiplier from seasonal staffing: summer holidays and the winter epidemic peak."""
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return np.select([month == 7, np.isin(month, (6, 8)), np.isin(month, (12, 1, 2))],
                     [1.35, 1.1, 1.1], 1.0)


def build_county(seed: int, residents: int, start: date, years: int) -> County:
    """The county structure for `residents` over `years` calendar years from `start`."""
    if residents < 1_000:
        raise ValueError("a county needs at least 1,000 residents")
    period = Period(start, years)
    rng = np.random.default_rng([seed, 0x57])
    muni_pop = _split(residents, np.array([p for _, _, p in MUNICIPALITIES], dtype=float))
    muni_first = np.concatenate([[0], np.cumsum(muni_pop)[:-1]])
    n_regions = max(1, round(residents / RESIDENTS_PER_REGION))

    units = Units()
    station_first, station_muni, station_unit, station_pop = [], [], [], []
    for m, (code, name, _) in enumerate(MUNICIPALITIES):
        n = max(1, round(muni_pop[m] / RESIDENTS_PER_STATION))
        pops = _split(int(muni_pop[m]), np.ones(n))
        first = muni_first[m] + np.concatenate([[0], np.cumsum(pops)[:-1]])
        for k in range(n):
            label = f"{name} terveysasema" + (f" {k + 1}" if n > 1 else "")
            station_unit.append(units.add("health_station", label, code, pops[k]))
            station_first.append(first[k])
            station_muni.append(m)
            station_pop.append(pops[k])
    station_pop = np.array(station_pop, dtype=float)
    station_muni = np.array(station_muni)
    cum = np.cumsum(station_pop) - station_pop / 2
    station_region = np.minimum((cum / residents * n_regions).astype(np.int64), n_regions - 1)

    station_units = {}
    for unit_type, per in (("oral_care_clinic", 20_000), ("mental_health_clinic", 35_000),
                           ("home_care_team", 10_000), ("social_work_office", 25_000),
                           ("service_housing", 12_000)):
        station_units[unit_type] = _group_units(units, unit_type, per, station_muni,
                                                station_pop)

    hub = MUNICIPALITIES[0]
    region_units = {t: np.empty(n_regions, dtype=np.int64)
                    for t in ("emergency_department", "phone_service", "digital_service",
                              "situation_centre")}
    outpatient = np.empty((n_regions, len(REFERRAL_SPECIALTIES)), dtype=np.int64)
    wards = {s: np.empty(n_regions, dtype=np.int64) for s in WARDS}
    for r in range(n_regions):
        pop = station_pop[station_region == r].sum()
        suffix = f" {r + 1}" if n_regions > 1 else ""
        for unit_type in region_units:
            region_units[unit_type][r] = units.add(
                unit_type, f"Soite {FI_TYPE_NAMES[unit_type]}{suffix}", hub[0], pop)
        for j, spec in enumerate(REFERRAL_SPECIALTIES):
            outpatient[r, j] = units.add("outpatient_clinic", f"{spec} poliklinikka{suffix}",
                                         hub[0], pop, specialty=spec)
        for spec, beds in WARDS.items():
            wards[spec][r] = units.add("ward", f"{spec} osasto{suffix}", hub[0], pop,
                                       specialty=spec, beds=max(4, round(beds * pop / 1e5)))

    prof_unit, prof_prof, start, count = _staff(units)
    station_unit = np.array(station_unit)
    nurse_group = np.isin(prof_prof, code_index("profession", ["nurse", "public_health_nurse"]))
    pool = [np.flatnonzero(np.isin(prof_unit, station_unit[station_region == r]) & nurse_group)
            for r in range(n_regions)]
    own = {
        "physician": _own_probability(TARGET_COC["physician"],
                                      count["physician"][station_unit]),
        "nurse": _own_probability(TARGET_COC["nurse"],
                                  np.array([len(pool[r]) for r in station_region])),
    }

    access = np.exp(rng.normal(0, 0.35, len(station_pop)))
    access /= np.average(access, weights=station_pop)
    calendar = np.arange(period.first_day - np.timedelta64(300, "D"),
                         period.end_day + np.timedelta64(150, "D"), np.timedelta64(1, "D"))
    year = np.clip(period.year_index(calendar), 0, len(MEAN_WAIT_BY_YEAR) - 1)
    drift = 1 + 0.08 * np.sin(2 * np.pi * rng.random(len(station_pop)))[:, None]
    mean_wait = (np.array(MEAN_WAIT_BY_YEAR)[year] * _capacity_season(calendar))[None, :] \
        * access[:, None] * drift

    return County(
        seed=seed, residents=residents, period=period,
        municipality_codes=np.array([c for c, _, _ in MUNICIPALITIES]),
        municipality_first_person=muni_first,
        station_first_person=np.array(station_first), station_municipality=station_muni,
        station_region=station_region, station_unit=station_unit,
        station_units=station_units, region_units=region_units,
        outpatient_unit=outpatient, ward_unit=wards, units=units,
        professional_unit=prof_unit, professional_profession=prof_prof,
        staff_start=start, staff_count=count, region_nurse_pool=pool, own_probability=own,
        calendar_days=calendar, mean_wait=mean_wait,
    )


def _group_units(units: Units, unit_type: str, per: int, station_muni: np.ndarray,
                 station_pop: np.ndarray) -> np.ndarray:
    """One unit of `unit_type` per about `per` residents of a municipality (at least one per
    municipality); returns the unit serving each station."""
    out = np.empty(len(station_muni), dtype=np.int64)
    for m, (code, name, _) in enumerate(MUNICIPALITIES):
        stations = np.flatnonzero(station_muni == m)
        pop = station_pop[stations].sum()
        n = max(1, round(pop / per))
        group = np.arange(len(stations)) * n // len(stations)
        for g in range(n):
            members = stations[group == g]
            label = f"{name} {FI_TYPE_NAMES[unit_type]}" + (f" {g + 1}" if n > 1 else "")
            beds = round(station_pop[members].sum() / 1_000 * 4) if unit_type == \
                "service_housing" else None
            out[members] = units.add(unit_type, label, code, station_pop[members].sum(),
                                     beds=beds)
    return out


def _staff(units: Units):
    """Professionals per unit from the staff ratios, contiguous per (unit, profession) with the
    nurse group (nurse, public-health nurse) adjacent so that one range covers it."""
    prof_unit, prof_prof = [], []
    groups = {"physician": ["physician"], "nurse": ["nurse", "public_health_nurse"]}
    other = sorted({p for ratios in STAFF.values() for p in ratios} - {"physician", "nurse",
                                                                      "public_health_nurse"})
    groups.update({p: [p] for p in other})
    n_units = len(units.unit_type)
    start = {g: np.zeros(n_units, dtype=np.int64) for g in groups}
    count = {g: np.zeros(n_units, dtype=np.int64) for g in groups}
    outpatient_physicians = {"outpatient_clinic": {"physician": 12_000}}
    for u, (unit_type, pop) in enumerate(zip(units.unit_type, units.population, strict=True)):
        ratios = STAFF.get(unit_type) or outpatient_physicians.get(unit_type, {})
        for g, members in groups.items():
            start[g][u] = len(prof_unit)
            for profession in members:
                if profession not in ratios:
                    continue
                n = max(MIN_STAFF.get(profession, 1), round(pop / ratios[profession]))
                prof_unit += [u] * n
                prof_prof += [profession] * n
            count[g][u] = len(prof_unit) - start[g][u]
    return (np.array(prof_unit, dtype=np.int64), code_index("profession", prof_prof),
            start, count)


def _own_probability(target: float, k: np.ndarray) -> np.ndarray:
    """p with p² + (1 − p²)/K = target (0 when a pool is too small to go that low)."""
    k = np.maximum(k, 1).astype(float)
    return np.sqrt(np.clip((target - 1 / k) / np.maximum(1 - 1 / k, 1e-9), 0, 1))

