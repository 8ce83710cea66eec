"""Benchmark of the access indicators against the same figure written by hand in DuckDB SQL and
in plain pandas.

    python benchmarks/bench_access.py                          # default county (70,000 × 3 years)
    python benchmarks/bench_access.py --national               # + 5.6 million residents × 1 year
    python benchmarks/bench_access.py --national-only --residents 1000000 --keep /tmp/access

Four measurements on one county database, each in a fresh process that opens the database
itself (so every timing includes opening it, and each peak memory is that measurement's own):

(a) the full access suite: every care-guarantee and T3 indicator (`SUITE`), monthly over the
    months the visits span, no dimensions, one `compute` call with a fresh `Sources` (so
    building the deadline table and materialising the wait kinds are included);
(b) Tilannekuva's `primary_care_within_deadline` alone, the same way;
(c) that indicator written by hand as one DuckDB SQL query, the near-limit baseline: the rules
    in force (P2, P3, P4/P5) as a CASE in the query, not Tilannekuva's deadline table;
(d) that indicator in plain pandas, as an analyst writes it today: the needed columns of whole
    tables read through DuckDB into pandas (the read is timed; through Arrow by default, the
    fast way in; `--pandas-read df` uses DuckDB's `.df()`, the common idiom, which is about 10×
    slower on string columns with pandas 3 and makes any DuckDB program look better), then
    filter, sort, merge and group in pandas.

Before any time is printed, (b), (c) and (d) must give identical numerators and denominators
for every month, so the comparison is between programs that compute the same thing. Times are
the best of `--repeat` runs (default 3 for the default county, 1 for the national year). Peak
memory is the measuring process's maximum resident set (VmHWM), Python and the libraries
included; a measurement whose resident set passes `--memory-limit` (default 18 GB) is stopped
and reported as such rather than taking the machine down. The load average is printed because
timings on a shared machine are only as good as its idleness.

Targets: the full suite on the default county in under 3 s; on a national year (5.6 million
residents) in under 3 minutes on 2 cores; there Tilannekuva within 1.5× of the hand-written SQL
and at least 10× faster than pandas. A smaller `--residents` run judges the suite target on its
time scaled linearly to 5.6 million residents, labelled as an estimate.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pandas as pd
from harness import (
    NATIONAL_RESIDENTS,
    Measurement,
    build_county,
    connect,
    measure,
    planned_runs,
    quiet,
    run_arguments,
)

from tilannekuva.indicators import REGISTRY, Query, Sources, compute, duckdb_file
from tilannekuva.indicators.waits import PRIMARY_CARE_SERVICES
from tilannekuva.store import TIMEZONE

#: The access suite: the care-guarantee and T3 indicators (the population analytics have a
#: benchmark of their own, bench_population.py).
SUITE = tuple(i.id for i in REGISTRY.values() if i.group in ("access", "t3"))
SUITE_TARGET = {"default": 3.0, "national": 180.0}
SQL_RATIO_TARGET, PANDAS_RATIO_TARGET = 1.5, 10.0
INDICATOR = "primary_care_within_deadline"

# --- the four measured programs: (database, first day, last day) → figures ------------------


def tilannekuva_suite(db: Path, start: date, end: date,
                      live: bool = False) -> list[tuple[str, float]]:
    """(a) Every indicator in one `compute` call; returns seconds per indicator (the first
    indicator reading a wait kind carries the cost of materialising it). `live` prints each
    indicator's time as it finishes, for long runs."""
    backend = quiet(duckdb_file(db))
    marks: list[float] = []

    def progress(_: str, done: int, total: int) -> None:
        marks.append(time.perf_counter())
        if done and live:
            print(f"      suite {done:2d}/{total} {SUITE[done - 1]:45s} "
                  f"{marks[-1] - marks[-2]:7.2f} s", flush=True)

    started = time.perf_counter()
    compute(Sources(backend), Query(SUITE, start, end, "month"), 5, progress)
    backend.disconnect()
    # Time before the first indicator (the deadline table, as-of days) goes to the first.
    marks[0] = started
    return [(i, b - a) for i, a, b in zip(SUITE, marks, marks[1:], strict=False)]


def tilannekuva_indicator(db: Path, start: date, end: date) -> pd.DataFrame:
    """(b) The one indicator with a fresh Sources. min_cell_size 1: no month is hidden, so
    every month can be compared; suppression is a pandas step on a few dozen rows."""
    backend = quiet(duckdb_file(db))
    rows = compute(Sources(backend), Query((INDICATOR,), start, end, "month"), 1)
    backend.disconnect()
    return figures(rows.set_index("period")[["numerator", "denominator"]])


SERVICES_SQL = ", ".join(f"'{s}'" for s in PRIMARY_CARE_SERVICES)

#: (c) One query. The first realised visit per assessment is picked with QUALIFY row_number()
#: by (start_at, visit_id) (on DuckDB 2.0 faster than arg_min over a (start_at, visit_id)
#: key); the person and unit joins are inner joins as in Tilannekuva (import guarantees both
#: exist, but the figure must not depend on it); the rules P2–P5 are written out: P2 3 months
#: to 2023-08-31, P3 14 days to 2024-12-31, then P4 3 months at 23+ and P5 14 days under 23,
#: age in whole years on the assessment day. DuckDB's `+ INTERVAL 3 MONTH` clamps to the month
#: end, as `rules.add_months` does.
HAND_SQL = f"""
WITH assessed AS (
    SELECT a.assessment_id, CAST(a.assessed_at AS DATE) AS start_date, p.birth_date
    FROM care_need_assessments a JOIN persons p USING (person_id)
    WHERE a.urgency = 'non_urgent' AND a.treatment_needed AND a.service IN ({SERVICES_SQL})
), first_visit AS (
    SELECT assessment_id, CAST(start_at AS DATE) AS end_date, unit_id,
           guarantee_exclusion IS NOT NULL AS excluded
    FROM visits
    WHERE status = 'done' AND assessment_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY assessment_id ORDER BY start_at, visit_id) = 1
), waits AS (
    SELECT start_date, end_date,
           year(start_date) - year(birth_date)
             - CAST(month(start_date) * 100 + day(start_date)
                    < month(birth_date) * 100 + day(birth_date) AS INT) AS age
    FROM assessed JOIN first_visit USING (assessment_id)
    WHERE NOT excluded AND unit_id IN (SELECT unit_id FROM units)
), judged AS (
    SELECT end_date, CASE
        WHEN start_date < DATE '2011-05-01' THEN NULL
        WHEN start_date <= DATE '2023-08-31' THEN CAST(start_date + INTERVAL 3 MONTH AS DATE)
        WHEN start_date <= DATE '2024-12-31' THEN start_date + 14
        WHEN age >= 23 THEN CAST(start_date + INTERVAL 3 MONTH AS DATE)
        ELSE start_date + 14 END AS due_date
    FROM waits
)
SELECT strftime(end_date, '%Y-%m') AS period,
       count(*) FILTER (WHERE end_date <= due_date) AS numerator, count(*) AS denominator
FROM judged
WHERE due_date IS NOT NULL AND end_date BETWEEN $start AND $end
GROUP BY period
"""


def hand_sql(db: Path, start: date, end: date) -> pd.DataFrame:
    """(c) The indicator as one hand-written DuckDB query."""
    with connect(db) as con:
        rows = con.execute(HAND_SQL, {"start": start, "end": end}).df()
    return figures(rows.set_index("period"))


def plain_pandas(db: Path, start: date, end: date, read: str = "arrow") -> pd.DataFrame:
    """(d) The indicator as an analyst writes it in pandas: whole tables' columns in, then
    vectorised pandas (no row loops; dates via normalize, not Python date objects).

    `read` is how the columns get into pandas: "arrow" (`.to_arrow_table().to_pandas()`, the
    fast way in, and the default so the baseline is not a straw man) or "df" (DuckDB's
    `.df()`, the common idiom, which with pandas 3 is about 10× slower on string columns)."""
    def frame(sql: str) -> pd.DataFrame:
        relation = con.sql(sql)
        if read == "df":
            return relation.df()
        return relation.to_arrow_table().to_pandas(date_as_object=False)

    with connect(db) as con:
        a = frame("SELECT assessment_id, person_id, assessed_at, urgency, service, "
                  "treatment_needed FROM care_need_assessments")
        v = frame("SELECT visit_id, assessment_id, unit_id, start_at, status, "
                  "guarantee_exclusion FROM visits")
        p = frame("SELECT person_id, birth_date FROM persons")
        units = frame("SELECT unit_id FROM units")
    a = a[(a.urgency == "non_urgent") & a.treatment_needed.eq(True)
          & a.service.isin(PRIMARY_CARE_SERVICES)]
    v = v[(v.status == "done") & v.assessment_id.notna()]
    first = v.sort_values(["assessment_id", "start_at", "visit_id"]).drop_duplicates(
        "assessment_id")
    first = first[first.guarantee_exclusion.isna() & first.unit_id.isin(units.unit_id)]
    w = a[["assessment_id", "person_id", "assessed_at"]].merge(
        first[["assessment_id", "start_at"]], on="assessment_id").merge(p, on="person_id")
    start_day = w.assessed_at.dt.tz_convert(TIMEZONE).dt.tz_localize(None).dt.normalize()
    end_day = w.start_at.dt.tz_convert(TIMEZONE).dt.tz_localize(None).dt.normalize()
    born = pd.to_datetime(w.birth_date)
    age = (start_day.dt.year - born.dt.year
           - ((start_day.dt.month * 100 + start_day.dt.day)
              < (born.dt.month * 100 + born.dt.day)).astype(int))
    months3, days14 = start_day + pd.DateOffset(months=3), start_day + pd.Timedelta(days=14)
    due = months3.where(start_day <= "2023-08-31", days14)
    due = due.where(start_day <= "2024-12-31", months3.where(age >= 23, days14))
    due = due.where(start_day >= "2011-05-01")
    keep = due.notna() & (end_day >= pd.Timestamp(start)) & (end_day <= pd.Timestamp(end))
    judged = pd.DataFrame({"period": end_day[keep].dt.strftime("%Y-%m"),
                           "hit": end_day[keep] <= due[keep]})
    rows = judged.groupby("period").agg(numerator=("hit", "sum"), denominator=("hit", "size"))
    return figures(rows)


def figures(rows: pd.DataFrame) -> pd.DataFrame:
    """numerator and denominator per period, as plain int64, sorted: the form compared."""
    return rows[["numerator", "denominator"]].astype("int64").sort_index()


METHODS = {"suite": tilannekuva_suite, "tilannekuva": tilannekuva_indicator, "sql": hand_sql,
           "pandas": plain_pandas}

def data_range(db: Path) -> tuple[date, date, dict[str, int]]:
    """The Helsinki dates the visits span (the range every measurement asks for) and the
    sizes of the tables the compared indicator reads."""
    with connect(db) as con:
        first, last = con.execute("SELECT min(start_at)::DATE, max(start_at)::DATE "
                                  "FROM visits").fetchone()
        sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("persons", "care_need_assessments", "visits")}
    return first, last, sizes


# --- one run -------------------------------------------------------------------------------


def run(label: str, db: Path, residents: int, years: int, repeat: int, limit_gb: float,
        workers: int | None, pandas_read: str) -> None:
    if not db.exists():
        build_county(db, residents, years, workers)
        os.sync()  # so writing the new file back does not slow the first measurement
    else:
        print(f"   reusing {db}", flush=True)
    start, end, sizes = data_range(db)
    print(f"== {label}: {db} ({', '.join(f'{t} {n:,}' for t, n in sizes.items())}), "
          f"months {start:%Y-%m} – {end:%Y-%m}, best of {repeat}", flush=True)
    print(f"   load average before measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "cores (above 0.5, other processes share the CPUs and inflate the times)", flush=True)
    measured: dict[str, Measurement] = {}
    for method, title, options in (
            ("tilannekuva", f"(b) Tilannekuva {INDICATOR}", {}),
            ("sql", "(c) hand-written DuckDB SQL", {}),
            ("pandas", f"(d) plain pandas, read via {pandas_read}", {"read": pandas_read}),
            ("suite", f"(a) full access suite, {len(SUITE)} indicators",
             {"live": repeat == 1})):
        print(f"   measuring {title} …", flush=True)
        m = measured[method] = measure(METHODS[method], db, start, end, repeat, limit_gb,
                                       **options)
        print(f"      {'stopped at the memory limit' if m.stopped_at else 'done'}", flush=True)

    for method in ("tilannekuva", "sql", "suite"):
        if measured[method].stopped_at:
            raise SystemExit(f"{method} passed the memory limit of {limit_gb} GB; no figures")
    ours, sql, pandas_run = (measured[k] for k in ("tilannekuva", "sql", "pandas"))
    compared = [name for name, m in (("SQL", sql), ("pandas", pandas_run)) if m.result is not None]
    for name in compared:
        other = measured["sql" if name == "SQL" else "pandas"].result
        pd.testing.assert_frame_equal(ours.result, other, check_names=False)
    print(f"   check: per-month numerator and denominator of Tilannekuva identical to "
          f"{' and '.join(compared)} ({len(ours.result)} months, "
          f"{ours.result.denominator.sum():,} counted visits)")

    def line(title: str, m: Measurement) -> str:
        if m.stopped_at:
            return (f"   {title:48s} stopped after {m.stopped_at:7.1f} s at "
                    f"{m.peak_gb:.1f} GB (over the {limit_gb:.0f} GB limit)")
        return f"   {title:48s} {m.best:8.2f} s   peak RSS {m.peak_gb:5.2f} GB"

    suite = measured["suite"]
    target = SUITE_TARGET[label]
    full_scale = label == "default" or residents == NATIONAL_RESIDENTS
    if full_scale:
        verdict = "OK" if suite.best < target else "MISSED"
    else:  # a smaller trial run: judge the linear estimate, and say so
        estimate = suite.best * NATIONAL_RESIDENTS / residents
        verdict = (f"scaled linearly to {NATIONAL_RESIDENTS:,} residents {estimate:.0f} s: "
                   f"estimate {'OK' if estimate < target else 'MISSED'}")
    print(line(f"(a) full access suite ({len(SUITE)} indicators)", suite)
          + f"   target < {target:.0f} s   {verdict}")
    print(line(f"(b) Tilannekuva {INDICATOR}", ours))
    print(line("(c) hand-written DuckDB SQL", sql))
    print(line(f"(d) plain pandas (read via {pandas_read})", pandas_run))
    judged = "" if label == "national" and full_scale else " (judged on the national year)"
    ratio = ours.best / sql.best
    verdict = "OK" if ratio <= SQL_RATIO_TARGET else "MISSED"
    print(f"   Tilannekuva / SQL    {ratio:6.1f}×   target ≤ {SQL_RATIO_TARGET}×  "
          f"{verdict}{judged}")
    if pandas_run.stopped_at:  # its time is at least the time until it was stopped
        ratio = pandas_run.stopped_at / ours.best
        verdict = "OK" if ratio >= PANDAS_RATIO_TARGET else "unknown"
        print(f"   pandas / Tilannekuva > {ratio:4.1f}×   target ≥ {PANDAS_RATIO_TARGET:.0f}×  "
              f"{verdict}{judged} (pandas stopped at the memory limit)")
    else:
        ratio = pandas_run.best / ours.best
        verdict = "OK" if ratio >= PANDAS_RATIO_TARGET else "MISSED"
        print(f"   pandas / Tilannekuva {ratio:6.1f}×   target ≥ {PANDAS_RATIO_TARGET:.0f}×  "
              f"{verdict}{judged}")
        print(f"   pandas / SQL         {pandas_run.best / sql.best:6.1f}×   (the most any "
              "DuckDB program could gain over this pandas)")
    if suite.result:
        print("   suite, seconds per indicator (the first reader of a wait kind builds it):")
        for indicator, seconds in sorted(suite.result, key=lambda x: -x[1]):
            print(f"     {indicator:45s} {seconds:7.2f}")


def main() -> None:
    parser = run_arguments(__doc__.splitlines()[0])
    parser.add_argument("--pandas-read", choices=("arrow", "df"), default="arrow",
                        help="how (d) reads into pandas: through Arrow (fast) or DuckDB's .df()")
    args = parser.parse_args()
    with planned_runs(parser, args, "bench-access-") as runs:
        for label, db, residents, years, repeat in runs:
            run(label, db, residents, years, repeat, args.memory_limit, args.workers,
                args.pandas_read)


if __name__ == "__main__":
    main()
