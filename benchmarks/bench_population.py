"""Benchmark of the population analytics — continuity of care and the heavy-service-user views —
against the same figures written in plain pandas.

    python benchmarks/bench_population.py                        # default county (70,000 × 3 years)
    python benchmarks/bench_population.py --national             # + 5.6 million residents × 1 year
    python benchmarks/bench_population.py --national-only --residents 1000000 --keep /tmp/pop

Each measurement runs in a fresh process that opens the database itself (so every time includes
opening it and building what the view reads, and each peak memory is the measurement's own):

- every view: one registry indicator by year over the years of data, as the dashboard asks for
  it, with a fresh `Sources` (`VIEWS`);
- two of them also in plain pandas, as an analyst writes them today (the needed columns read
  through DuckDB and Arrow into pandas, then vectorised pandas): the doctors' COC per client
  averaged by year, and the share of the year's ED clients who are frequent ED users.

Before any ratio is printed, Tilannekuva and pandas must give identical figures (clients per
year exactly, COC to 1e-9), so the programs compared compute the same thing. The pandas
versions are the simple views; the heavy-user definitions by cost need the whole client-year
table (every service, priced), which no analyst rewrites per question. Times are the best
of `--repeat` runs (default 3 for the default county, 1 for the national year).

Targets: each view on the default county in under 3 s; each on a national year in under 3
minutes on 2 cores. A smaller `--residents` run judges the national target on its time scaled
linearly to 5.6 million residents, labelled as an estimate.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
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

from tilannekuva.indicators import Parameters, Query, Sources, compute, duckdb_file
from tilannekuva.indicators.continuity import COUNTED_CONTACT_TYPES, COUNTED_SERVICE
from tilannekuva.store import TIMEZONE

VIEW_TARGET = {"default": 3.0, "national": 180.0}

#: The views timed: (title, indicator, breakdown, filters).
VIEWS = (
    ("continuity: doctors' COC", "continuity_coc", (), (("profession_group", ("doctor",)),)),
    ("continuity: COC by municipality and group", "continuity_coc",
     ("municipality", "profession_group"), ()),
    ("continuity: UPC, doctors and nurses", "continuity_upc", ("profession_group",), ()),
    ("continuity: clients the minimum excluded", "continuity_excluded_clients",
     ("profession_group",), ()),
    ("continuity: visits with the own professional", "visits_with_own_professional",
     ("profession_group",), ()),
    ("heavy users: share of cost", "heavy_users_cost_share", (), ()),
    ("heavy users: cost-concentration curve", "cost_concentration", (), ()),
    ("heavy users (a): by service", "heavy_users_by_service", (), ()),
    ("heavy users (b): clients by services used", "clients_by_services_used", (), ()),
    ("heavy users (c): co-use table of home care", "service_co_use", (),
     (("service_group", ("home_care",)),)),
    ("heavy users: frequent ED users", "frequent_ed_users", (), ()),
    ("heavy users: persistence", "heavy_user_persistence", (), ()),
)


def tilannekuva_view(db: Path, start: date, end: date, view: int) -> pd.DataFrame:
    """One view of `VIEWS` by year with a fresh Sources; min_cell_size 1 so that every figure
    can be compared."""
    _, indicator, by, filters = VIEWS[view]
    backend = quiet(duckdb_file(db))
    rows = compute(Sources(backend), Query((indicator,), start, end, "year", by, filters), 1)
    backend.disconnect()
    return rows


def pandas_coc(db: Path, start: date, end: date) -> pd.DataFrame:
    """Doctors' COC in plain pandas: counted visits (done, with a professional, general
    practice at primary-level units, in person or real-time remote, by a physician), then per
    client and year N and Σ n_i², COC = (Σ n_i² − N) / (N (N − 1)) for N ≥ 2, averaged by
    year."""
    types = ", ".join(f"'{t}'" for t in COUNTED_CONTACT_TYPES)
    with connect(db) as con:
        v = con.sql(f"""SELECT v.person_id, v.professional_id, v.start_at FROM visits v
                        JOIN units u USING (unit_id)
                        WHERE v.status = 'done' AND v.professional_id IS NOT NULL
                          AND v.service = '{COUNTED_SERVICE}' AND u.level = 'primary'
                          AND v.contact_type IN ({types}) AND v.profession = 'physician'
                     """).to_arrow_table().to_pandas()
    v["year"] = v.start_at.dt.tz_convert(TIMEZONE).dt.year
    v = v[(v.year >= start.year) & (v.year <= end.year)]
    pairs = v.groupby(["year", "person_id", "professional_id"]).size().rename("n").reset_index()
    pairs["n2"] = pairs.n ** 2
    clients = pairs.groupby(["year", "person_id"]).agg(N=("n", "sum"), s2=("n2", "sum"))
    clients = clients[clients.N >= 2]
    clients["coc"] = (clients.s2 - clients.N) / (clients.N * (clients.N - 1))
    by_year = clients.groupby("year").agg(denominator=("coc", "size"), value=("coc", "mean"))
    by_year.index = by_year.index.astype(str)
    return by_year


def pandas_frequent_ed(db: Path, start: date, end: date) -> pd.DataFrame:
    """Frequent ED users in plain pandas: done visits in the emergency line or at an
    emergency-department unit, counted per client and year; of the year's ED clients, those
    with at least `frequent_ed_visits` (10) visits."""
    with connect(db) as con:
        v = con.sql("""SELECT v.person_id, v.start_at FROM visits v JOIN units u USING (unit_id)
                       WHERE v.status = 'done' AND (v.service = 'emergency'
                             OR u.unit_type = 'emergency_department')""").to_arrow_table(
        ).to_pandas()
    v["year"] = v.start_at.dt.tz_convert(TIMEZONE).dt.year
    v = v[(v.year >= start.year) & (v.year <= end.year)]
    visits = v.groupby(["year", "person_id"]).size()
    frequent = visits >= Parameters().frequent_ed_visits
    by_year = pd.DataFrame({"numerator": frequent.groupby("year").sum(),
                            "denominator": frequent.groupby("year").size()}).astype("int64")
    by_year.index = by_year.index.astype(str)
    return by_year


def coc_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Tilannekuva's doctors' COC over the whole county, in the form `pandas_coc` gives."""
    return rows.set_index("period")[["denominator", "value"]].astype(
        {"denominator": "int64", "value": "float64"})


def years_of(db: Path) -> tuple[date, date]:
    with connect(db) as con:
        first, last = con.execute("SELECT min(start_at)::DATE, max(start_at)::DATE "
                                  "FROM visits").fetchone()
    return date(first.year, 1, 1), date(last.year, 12, 31)


def run(label: str, db: Path, residents: int, years: int, repeat: int, limit_gb: float,
        workers: int | None) -> None:
    if not db.exists():
        build_county(db, residents, years, workers)
        os.sync()
    else:
        print(f"   reusing {db}", flush=True)
    start, end = years_of(db)
    print(f"== {label}: {db}, years {start.year}–{end.year}, best of {repeat}", flush=True)
    print(f"   load average before measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "cores (above 0.5, other processes share the CPUs and inflate the times)", flush=True)
    target = VIEW_TARGET[label]
    full_scale = label == "default" or residents == NATIONAL_RESIDENTS
    scale = 1.0 if full_scale else NATIONAL_RESIDENTS / residents

    def verdict(seconds: float) -> str:
        if full_scale:
            return "OK" if seconds < target else "MISSED"
        estimate = seconds * scale
        return f"scaled {estimate:.0f} s: estimate {'OK' if estimate < target else 'MISSED'}"

    def line(title: str, m: Measurement) -> str:
        if m.stopped_at:
            return (f"   {title:50s} stopped after {m.stopped_at:7.1f} s at {m.peak_gb:.1f} GB "
                    f"(over the {limit_gb:.0f} GB limit)")
        return f"   {title:50s} {m.best:8.2f} s   peak RSS {m.peak_gb:5.2f} GB"

    views = {}
    for number, (title, *_rest) in enumerate(VIEWS):
        m = views[number] = measure(tilannekuva_view, db, start, end, repeat, limit_gb,
                                    view=number)
        shown = "" if m.stopped_at else f"   target < {target:.0f} s   {verdict(m.best)}"
        print(line(title, m) + shown, flush=True)

    compare_frequent_ed(views, db, start, end, repeat, limit_gb, line)
    coc = measure(pandas_coc, db, start, end, repeat, limit_gb)
    ours = coc_figures(views[0].result)
    if coc.result is not None:
        pd.testing.assert_series_equal(ours["denominator"], coc.result["denominator"],
                                       check_names=False)
        assert np.allclose(ours["value"], coc.result["value"], rtol=1e-9), (ours, coc.result)
        print(f"   check: doctors' COC per year identical in pandas ({ours.denominator.sum():,} "
              "client-years)")
        print(line("pandas: doctors' COC", coc)
              + f"   pandas / Tilannekuva {coc.best / views[0].best:5.1f}×")


def compare_frequent_ed(views: dict, db: Path, start: date, end: date, repeat: int,
                        limit_gb: float, line) -> None:
    number = next(i for i, v in enumerate(VIEWS) if v[1] == "frequent_ed_users")
    ours = views[number]
    theirs = measure(pandas_frequent_ed, db, start, end, repeat, limit_gb)
    if theirs.result is None:
        print(line("pandas: frequent ED users", theirs))
        return
    figures = ours.result.set_index("period")[["numerator", "denominator"]].astype("int64")
    pd.testing.assert_frame_equal(figures, theirs.result, check_names=False)
    print(f"   check: frequent ED users per year identical in pandas "
          f"({figures.denominator.sum():,} ED client-years)")
    print(line("pandas: frequent ED users", theirs)
          + f"   pandas / Tilannekuva {theirs.best / ours.best:5.1f}×")


def main() -> None:
    parser = run_arguments(__doc__.splitlines()[0])
    args = parser.parse_args()
    with planned_runs(parser, args, "bench-population-") as runs:
        for label, db, residents, years, repeat in runs:
            run(label, db, residents, years, repeat, args.memory_limit, args.workers)


if __name__ == "__main__":
    main()
