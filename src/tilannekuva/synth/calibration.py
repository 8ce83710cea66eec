"""Calibration targets as data, and the SQL that measures each one from the canonical tables.

Every figure the synthetic county is tuned to is declared once in TARGETS: its definition (the
same words the SQL implements), the accepted range, and where the figure comes from. The demo
shows `measure_calibration(con)` as its headline table (target vs measured). The measuring
queries read only the canonical tables, so they work on real county data too.

Years are counted from the data: "first year" is the calendar year of the earliest visit, "last
year" that of the latest visit.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..store import configure


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    definition: str
    low: float
    high: float
    unit: str
    source: str
    sql: str

    @property
    def target(self) -> float:
        return (self.low + self.high) / 2

    @property
    def tolerance(self) -> float:
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class Measured:
    target: Target
    value: float | None

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def within(self) -> bool:
        return self.value is not None and self.target.low <= self.value <= self.target.high


_YEARS = """years AS (SELECT year(min(start_at)) AS first_year, year(max(start_at)) AS last_year
                      FROM visits)"""

_ACCESS = """
WITH {years},
waits AS (
    SELECT year(v.start_at) AS y,
           date_diff('day', CAST(a.assessed_at AS DATE), CAST(v.start_at AS DATE)) AS wait
    FROM visits v JOIN care_need_assessments a ON a.assessment_id = v.assessment_id
    WHERE v.status = 'done' AND v.urgency = 'non_urgent' AND v.guarantee_exclusion IS NULL
      AND v.service = 'general_practice' AND v.profession = 'physician')
SELECT avg(CASE WHEN wait <= 7 THEN 1.0 ELSE 0.0 END) FROM waits, years WHERE y = {year}
"""

_COC = """
WITH per_professional AS (
    SELECT person_id, year(start_at) AS y, professional_id, count(*) AS n
    FROM visits
    WHERE status = 'done' AND service = 'general_practice' AND professional_id IS NOT NULL
      AND profession IN ({professions})
    GROUP BY ALL),
per_client AS (
    SELECT person_id, y, sum(n * n) AS sum_sq, sum(n) AS total
    FROM per_professional GROUP BY ALL HAVING sum(n) >= 2)
SELECT avg((sum_sq - total) / (total * (total - 1.0))) FROM per_client
"""

_T3 = """
WITH {years},
days AS (
    SELECT CAST(d AS DATE) AS day
    FROM years, generate_series(make_date(first_year, 1, 15), make_date(last_year, 12, 15),
                                INTERVAL 1 MONTH) AS t(d)),
slots AS (
    SELECT unit_id, professional_id, slot_start, created_at, booked_at, cancelled_at,
           CASE WHEN profession = 'physician' THEN 'physician' ELSE 'nurse' END AS grp
    FROM appointment_slots
    WHERE slot_type = 'non_urgent'
      AND profession IN ('physician', 'nurse', 'public_health_nurse')),
active AS (      -- professionals with a non-urgent calendar in the four weeks after the day
    SELECT DISTINCT day, unit_id, grp, professional_id
    FROM slots JOIN days ON CAST(slot_start AS DATE) BETWEEN day AND day + 27),
free AS (
    SELECT day, unit_id, grp, professional_id,
           date_diff('day', day, CAST(slot_start AS DATE)) AS ahead,
           row_number() OVER (PARTITION BY day, professional_id ORDER BY slot_start) AS k
    FROM slots JOIN days
      ON slot_start > CAST(day AS TIMESTAMPTZ) AND created_at <= CAST(day AS TIMESTAMPTZ)
     AND (booked_at IS NULL OR booked_at > CAST(day AS TIMESTAMPTZ))
     AND (cancelled_at IS NULL OR cancelled_at > CAST(day AS TIMESTAMPTZ))),
per_professional AS (
    SELECT a.day, a.unit_id, a.grp, coalesce(f.ahead, 182) AS t3
    FROM active a LEFT JOIN free f
      ON f.day = a.day AND f.professional_id = a.professional_id AND f.k = 3),
per_unit AS (SELECT day, unit_id, grp, median(t3) AS t3 FROM per_professional GROUP BY ALL)
SELECT {aggregate}(t3) FROM per_unit
"""

_FIRST_ASSESSMENT = """
SELECT avg(CASE WHEN outcome = '{outcome}' THEN 1.0 ELSE 0.0 END)
FROM social_cases
WHERE service_task = '{task}' AND outcome IS NOT NULL {extra}
"""

_NPS = """
SELECT 100 * (avg(CASE WHEN recommendation >= 9 THEN 1.0 ELSE 0.0 END)
            - avg(CASE WHEN recommendation <= 6 THEN 1.0 ELSE 0.0 END))
FROM feedback_responses WHERE service_channel = 'chat' AND recommendation IS NOT NULL
"""

#: How each event is priced: visits by service, profession and mode; inpatient days; days of
#: 24-hour housing; months of other granted social services (home care is priced per visit).
_COST = """
WITH {years},
bounds AS (SELECT make_timestamptz(last_year, 1, 1, 0, 0, 0) AS y0,
                  make_timestamptz(last_year + 1, 1, 1, 0, 0, 0) AS y1, last_year FROM years),
prices AS (SELECT cost_item, euros FROM unit_costs, bounds WHERE year = last_year),
visit_costs AS (
    SELECT person_id,
      CASE
        WHEN service = 'emergency' THEN 'ed_visit'
        WHEN service = 'specialised_outpatient' THEN 'specialised_outpatient_visit'
        WHEN service = 'home_care' THEN 'home_care_visit'
        WHEN service IN ('social_work', 'child_welfare', 'older_people_services',
                         'disability_services') THEN 'social_work_visit'
        WHEN contact_type IN ('phone', 'video', 'chat', 'async_message') THEN 'remote_contact'
        WHEN service = 'oral_care' THEN 'oral_care_visit'
        WHEN service IN ('mental_health', 'substance_use') THEN 'mental_health_visit'
        WHEN profession = 'physician' THEN 'primary_physician_visit'
        ELSE 'primary_nurse_visit' END AS cost_item,
      1.0 AS quantity
    FROM visits, bounds WHERE status = 'done' AND start_at >= y0 AND start_at < y1),
stay_costs AS (
    SELECT person_id, 'inpatient_day' AS cost_item,
           greatest(1, date_diff('day', greatest(admitted_at, y0),
                                 least(coalesce(discharged_at, y1), y1))) AS quantity
    FROM episodes, bounds WHERE admitted_at < y1 AND coalesce(discharged_at, y1) >= y0),
service_costs AS (
    SELECT person_id,
           CASE WHEN service_type = 'service_housing_24h' THEN 'service_housing_day'
                ELSE 'social_service_month' END AS cost_item,
           date_diff('day', greatest(service_started_at, y0),
                     least(coalesce(service_ended_at, y1), y1))
             / CASE WHEN service_type = 'service_housing_24h' THEN 1 ELSE 30.4 END AS quantity
    FROM social_decisions, bounds
    WHERE result = 'granted' AND service_type <> 'home_care' AND service_started_at < y1
      AND coalesce(service_ended_at, y1) > y0),
per_person AS (
    SELECT person_id, sum(quantity * euros) AS cost
    FROM (SELECT * FROM visit_costs UNION ALL SELECT * FROM stay_costs
          UNION ALL SELECT * FROM service_costs) JOIN prices USING (cost_item)
    GROUP BY person_id HAVING sum(quantity * euros) > 0),
ranked AS (SELECT cost, row_number() OVER (ORDER BY cost DESC) AS r, count(*) OVER () AS n
           FROM per_person)
SELECT sum(CASE WHEN r <= ceil(n / 10.0) THEN cost ELSE 0 END) / sum(cost) FROM ranked
"""

_READMISSION = """
WITH ordered AS (
    SELECT discharged_at, discharged_to,
           lead(admitted_at) OVER (PARTITION BY person_id ORDER BY admitted_at) AS next_admitted
    FROM episodes),
cutoff AS (SELECT max(admitted_at) - INTERVAL 30 DAY AS last_day FROM episodes)
SELECT avg(CASE WHEN next_admitted <= discharged_at + INTERVAL 30 DAY THEN 1.0 ELSE 0.0 END)
FROM ordered, cutoff
WHERE discharged_at IS NOT NULL AND discharged_to IS DISTINCT FROM 'died'
  AND discharged_at <= last_day
"""

_WAITING_LIST = """
WITH {years},
list AS (
    SELECT CAST(make_date(first_year + {year_a}, {month_a}, 1) AS TIMESTAMPTZ) AS a,
           CAST(make_date(first_year + {year_b}, {month_b}, 1) AS TIMESTAMPTZ) AS b
    FROM years),
waiting AS (
    SELECT sum(CASE WHEN received_at <= a AND coalesce(treatment_started_at, removed_at,
                    'infinity'::TIMESTAMPTZ) > a THEN 1 ELSE 0 END) AS at_a,
           sum(CASE WHEN received_at <= b AND coalesce(treatment_started_at, removed_at,
                    'infinity'::TIMESTAMPTZ) > b THEN 1 ELSE 0 END) AS at_b
    FROM referrals, list WHERE priority = 'non_urgent')
SELECT CASE WHEN at_a > 0 THEN at_b / at_a END FROM waiting
"""

_ASSESSMENT_COVERAGE = """
SELECT avg(CASE WHEN assessment_id IS NOT NULL THEN 1.0 ELSE 0.0 END)
FROM visits
WHERE status = 'done' AND urgency = 'non_urgent' AND service = 'general_practice'
  AND guarantee_exclusion IS NULL
"""

_SEASON = """
WITH daily AS (
    SELECT month(start_at) AS m, count(*) / count(DISTINCT CAST(start_at AS DATE)) AS per_day
    FROM visits
    WHERE status = 'done' AND service = 'general_practice' AND isodow(start_at) <= 5
    GROUP BY m)
SELECT max(CASE WHEN m = 1 THEN per_day END) / max(CASE WHEN m = 7 THEN per_day END) FROM daily
"""

ISSUE = "the synthetic-county issue text (no published county figure)"
THL_ACCESS = ("Soite's primary-care access reporting by the THL method (Avohilmo, "
              "'Hoitoonpääsy perusterveydenhuollossa'); figures as quoted in the issue and "
              "DESIGN.md")

TARGETS: tuple[Target, ...] = (
    Target("access_7d_first_year", "Physician visits within 7 days of assessment, first year",
           "Share of done, non-urgent general-practice physician visits without a guarantee "
           "exclusion, preceded by a care-needs assessment, realised within 7 calendar days of "
           "the assessment (THL method), in the first year.",
           0.64, 0.70, "share", THL_ACCESS, _ACCESS.format(years=_YEARS, year="first_year")),
    Target("access_7d_last_year", "Physician visits within 7 days of assessment, last year",
           "As access_7d_first_year, in the last year.",
           0.72, 0.78, "share", THL_ACCESS, _ACCESS.format(years=_YEARS, year="last_year")),
    Target("coc_physician", "Continuity of care (COC), physicians",
           "Bice–Boxerman COC = (Σ n_i² − N) / (N (N − 1)) per client and calendar year over "
           "done general-practice visits (all contact modes) with physicians, for clients with "
           "N ≥ 2; mean over client-years (THL's choice).",
           0.36, 0.40, "index", "Soite continuity-of-care reporting (THL COC), as quoted in the "
           "issue and DESIGN.md", _COC.format(professions="'physician'")),
    Target("coc_nurse", "Continuity of care (COC), nurses",
           "As coc_physician, for nurses and public-health nurses as one group.",
           0.155, 0.175, "index", "Soite continuity-of-care reporting (THL COC), as quoted in "
           "the issue", _COC.format(professions="'nurse', 'public_health_nurse'")),
    Target("t3_lowest_unit", "T3, lowest unit",
           "T3 (THL 2020): per professional, calendar days from the measurement day to the "
           "start of their third free bookable non-urgent slot (created by, starting after, "
           "not booked and not cancelled as of the day's midnight; 182 if none); unit T3 = "
           "median over its professionals with a calendar in the next four weeks, per group "
           "(physicians; nurses and public-health nurses). Lowest unit T3 over the 15th of "
           "every month.", 1, 42, "days", "Soite T3 reporting: 1–42 days across areas, as "
           "quoted in the issue", _T3.format(years=_YEARS, aggregate="min")),
    Target("t3_highest_unit", "T3, highest unit", "As t3_lowest_unit, the highest unit T3.",
           1, 42, "days",
           "Soite T3 reporting: 1–42 days across areas, as quoted in the issue",
           _T3.format(years=_YEARS, aggregate="max")),
    Target("first_assessment_resolved_families", "Families: resolved at first assessment",
           "Share of first assessments of social services for families with children that "
           "ended 'resolved' (cases with an outcome).", 0.40, 0.48, "share",
           "Soite social-care first-assessment (ensiarviointi) report, as quoted in the issue",
           _FIRST_ASSESSMENT.format(outcome="resolved", task="families", extra="")),
    Target("first_assessment_not_reached_adults", "Adults: not reached at first assessment",
           "Share of first assessments of working-age adults' social services where the client "
           "was not reached.", 0.26, 0.34, "share",
           "Soite social-care first-assessment report, as quoted in the issue",
           _FIRST_ASSESSMENT.format(outcome="not_reached", task="adults", extra="")),
    Target("first_assessment_resolved_reached_adults",
           "Adults reached: resolved at first assessment",
           "Of adults' first assessments where the client was reached, the share resolved.",
           0.61, 0.69, "share", "Soite social-care first-assessment report, as quoted in the "
           "issue", _FIRST_ASSESSMENT.format(outcome="resolved", task="adults",
                                             extra="AND outcome <> 'not_reached'")),
    Target("nps_nurse_chat", "Nurse chat recommendation (NPS)",
           "Net promoter score of feedback on services given by chat: % answering 9–10 minus "
           "% answering 0–6 to the recommendation question.", 77, 86, "NPS",
           "Soite nurse-chat customer feedback (national feedback model), as quoted in the "
           "issue", _NPS),
    Target("cost_top_decile_share", "Cost share of the top 10 % of clients",
           "Share of the last year's cost carried by the 10 % of clients with the highest "
           "cost (visits, inpatient days, 24-hour housing days and months of other granted "
           "social services, priced with unit_costs of that year).", 0.60, 0.85, "share",
           "Heavy-user reports (paljon palveluja käyttävät): 'about a tenth of clients carry "
           "most of the cost'; range from the issue", _COST.format(years=_YEARS)),
    Target("readmission_30d", "Readmitted within 30 days",
           "Share of inpatient discharges (not deaths, at least 30 days before the last "
           "admission in the data) followed by another admission of the same person within "
           "30 days.", 0.10, 0.15, "share", ISSUE, _READMISSION),
    Target("waiting_list_growth_shortfall",
           "Referral waiting list growth in the staffing shortfall",
           "Specialised-care non-urgent waiting list (received, neither treated nor removed) on "
           "1 January of the third year divided by that on 1 January of the second year: the "
           "staffing shortfall of year 2 makes the list grow.", 1.2, 3.0, "ratio", ISSUE,
           _WAITING_LIST.format(years=_YEARS, year_a=1, month_a=1, year_b=2, month_b=1)),
    Target("waiting_list_growth_summer", "Referral waiting list growth over the summer",
           "The same list on 1 September of the first year divided by that on 1 June: the "
           "summer capacity dip makes it grow.", 1.1, 2.5, "ratio", ISSUE,
           _WAITING_LIST.format(years=_YEARS, year_a=0, month_a=6, year_b=0, month_b=9)),
    Target("assessment_coverage", "Visits with a preceding care-needs assessment",
           "Share of done non-urgent general-practice visits without a guarantee exclusion "
           "that have a preceding care-needs assessment recorded (the part of the activity "
           "the THL access statistic sees).", 0.6, 0.9, "share", ISSUE,
           _ASSESSMENT_COVERAGE),
    Target("season_january_to_july", "Visits per weekday, January vs July",
           "Done general-practice visits per weekday in January divided by those in July.",
           1.2, 2.5, "ratio", ISSUE + ": winter peak, July dip", _SEASON),
)

TARGETS_BY_NAME = {t.name: t for t in TARGETS}


def measure(con: duckdb.DuckDBPyConnection, target: Target) -> Measured:
    (value,) = con.execute(target.sql).fetchone()
    return Measured(target, None if value is None else float(value))


def measure_calibration(con: duckdb.DuckDBPyConnection) -> list[Measured]:
    """Every calibration figure measured from the canonical tables of `con`."""
    configure(con)
    return [measure(con, t) for t in TARGETS]
