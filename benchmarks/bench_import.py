"""Benchmark: import N visit rows (default 1,000,000) from CSV and compare with a plain DuckDB
`CREATE TABLE AS SELECT * FROM read_csv(...)` of the same file, measured in the same run.

    python benchmarks/bench_import.py [--rows N] [--keep DIR]

The referenced persons, units, professionals and assessments are imported first (not timed).
Person identifiers are valid identity codes, so the timed run includes pseudonymisation.
Target: 1,000,000 rows in under 20 s on 2 cores. Data is generated with numpy from a fixed seed.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from tilannekuva.config import Settings
from tilannekuva.ingest import import_sources
from tilannekuva.privacy.identity_codes import CHECK_CHARACTERS

TARGET_ROWS, TARGET_SECONDS = 1_000_000, 20.0
SEED = 20240305


def identity_codes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n distinct valid identity codes (born 1930–2019) and their birth dates."""
    days = rng.choice(np.arange(np.datetime64("1930-01-01"), np.datetime64("2019-12-31")), n)
    individual = rng.choice(np.arange(2, 900), n)
    codes, births = [], []
    for day, number in zip(days.astype("datetime64[D]").tolist(), individual.tolist(), strict=True):
        digits = f"{day:%d%m%y}{number:03d}"
        sign = "-" if day.year < 2000 else "A"
        codes.append(f"{digits[:6]}{sign}{digits[6:]}{CHECK_CHARACTERS[int(digits) % 31]}")
        births.append(day.isoformat())
    codes_array, first = np.unique(np.array(codes), return_index=True)
    return codes_array, np.array(births)[first]


def write_csv(path: Path, columns: dict[str, np.ndarray]) -> None:
    pacsv.write_csv(pa.table({k: pa.array(v) for k, v in columns.items()}), path,
                    pacsv.WriteOptions(quoting_style="none"))


def generate(folder: Path, rows: int) -> list[Path]:
    rng = np.random.default_rng(SEED)
    codes, births = identity_codes(rng, max(1000, rows // 14))
    units = np.array([f"U{i:03d}" for i in range(40)])
    pros = np.array([f"D{i:04d}" for i in range(800)])
    files = {
        "persons": {"person_id": codes, "birth_date": births,
                    "sex": rng.choice(["1", "2"], len(codes)),
                    "municipality": rng.choice(["272", "005", "071", "584"], len(codes))},
        "units": {"unit_id": units, "name": np.char.add("Asema ", units),
                  "service_area": np.full(len(units), "primary_care"),
                  "municipality": np.full(len(units), "272"),
                  "level": np.full(len(units), "primary"),
                  "unit_type": np.full(len(units), "health_station")},
        "professionals": {"professional_id": pros,
                          "profession": rng.choice(["physician", "nurse"], len(pros)),
                          "unit_id": rng.choice(units, len(pros))},
    }
    assessments = rows // 4
    assessed = np.datetime64("2024-01-01T07:00") + rng.integers(0, 300 * 24 * 60, assessments
                                                               ).astype("timedelta64[m]")
    files["care_need_assessments"] = {
        "assessment_id": np.char.add("A", np.arange(assessments).astype(str)),
        "person_id": rng.choice(codes, assessments), "unit_id": rng.choice(units, assessments),
        "assessed_at": np.datetime_as_string(assessed), "assessor_profession": np.full(
            assessments, "nurse"), "urgency": rng.choice(["urgent", "non_urgent"], assessments),
        "service": np.full(assessments, "general_practice"),
        "treatment_needed": rng.choice(["true", "false"], assessments)}
    start = np.datetime64("2024-01-01T07:00") + rng.integers(
        0, 365 * 24 * 60, rows).astype("timedelta64[m]")
    with_assessment = rng.random(rows) < 0.2
    assessment = np.where(with_assessment, rng.integers(0, assessments, rows), -1)
    start = np.where(with_assessment, assessed[np.maximum(assessment, 0)] +
                     np.timedelta64(3, "D"), start)
    files["visits"] = {
        "visit_id": np.char.add("V", np.arange(rows).astype(str)),
        "person_id": rng.choice(codes, rows), "unit_id": rng.choice(units, rows),
        "professional_id": rng.choice(pros, rows),
        "profession": rng.choice(["physician", "nurse", "public_health_nurse"], rows),
        "start_at": np.char.replace(np.datetime_as_string(start), "T", " "),
        "booked_at": np.datetime_as_string(start - np.timedelta64(2, "D")),
        "contact_type": rng.choice(["physical", "phone", "video", "chat"], rows),
        "service": rng.choice(["general_practice", "oral_care", "mental_health"], rows),
        "urgency": rng.choice(["emergency", "urgent", "non_urgent"], rows),
        "assessment_id": np.where(with_assessment, np.char.add("A", assessment.astype(str)), ""),
        "status": rng.choice(["done", "cancelled", "no_show"], rows, p=[0.9, 0.07, 0.03]),
        "first_care_event": rng.choice(["true", "false", ""], rows),
        "diagnosis_icd10": rng.choice(["J06.9", "I10", "E11.9", "M54.5", ""], rows),
    }
    paths = []
    for name, columns in files.items():
        write_csv(folder / f"{name}.csv", columns)
        paths.append(folder / f"{name}.csv")
    return paths


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def baseline(csv_path: Path, folder: Path) -> float:
    """Seconds for DuckDB alone to load the same file into a table in a database file."""
    with duckdb.connect(str(folder / "baseline.duckdb")) as con:
        started = time.perf_counter()
        con.execute(f"CREATE TABLE visits AS SELECT * FROM read_csv('{csv_path}')")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
    parser.add_argument("--keep", type=Path, help="write files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        *references, visits = generate(folder, args.rows)
        print(f"generated {args.rows:,} visits in {time.perf_counter() - started:.1f} s "
              f"({visits.stat().st_size / 1e6:.0f} MB)")
        store = folder / "county.duckdb"
        settings = Settings(database=store, min_cell_size=5,
                            pseudonym_key=b"benchmark-key-not-secret-0123456789")
        import_sources(store, [str(p) for p in references], None, settings)
        memory_before = peak_memory_mb()
        started = time.perf_counter()
        [result] = import_sources(store, [str(visits)], None, settings)
        ours = time.perf_counter() - started
        memory_after = peak_memory_mb()
        plain = baseline(visits, folder)
    print(f"import: {result.rows_read:,} read, {result.inserted:,} inserted, "
          f"{result.quarantined:,} quarantined {result.reasons or ''}")
    print(f"import time: {ours:.2f} s = {result.rows_read / ours:,.0f} rows/s")
    print(f"peak memory (process max RSS): {memory_after:,.0f} MB "
          f"(before the timed import: {memory_before:,.0f} MB)")
    print(f"baseline DuckDB read_csv CTAS: {plain:.2f} s; ratio ours/baseline: {ours / plain:.1f}")
    scaled = ours * TARGET_ROWS / max(result.rows_read, 1)
    verdict = "meets" if scaled < TARGET_SECONDS else "MISSES"
    print(f"target: {TARGET_ROWS:,} rows < {TARGET_SECONDS:.0f} s; this run scaled to "
          f"{TARGET_ROWS:,} rows: {scaled:.1f} s ({verdict} the target)")


if __name__ == "__main__":
    main()
