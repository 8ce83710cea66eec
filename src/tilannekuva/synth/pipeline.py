"""Generating a synthetic county to Parquet and loading it into the DuckDB store.

Persons are generated in fixed blocks of BLOCK_SIZE residents; block b draws all its randomness
from ``(seed, b, module)``, so its rows depend on nothing but the seed and the county size. A
*chunk* is a run of consecutive blocks written as one Parquet part file per table; the chunk size
only sets memory use and file sizes, never the content. County-level parts (units,
professionals, unit costs, the digital-pathway portfolio, the appointment calendars and the
referral queue) are derived once from the seed and shared. With ``workers > 1`` chunks are
generated in parallel processes, each writing its own part files, so memory stays bounded by
``workers × chunk``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ..schema import TABLES
from ..store import open_store
from . import digital, long_term_care, plans, primary_care, slots, social, specialised
from .assembly import Block
from .costs import unit_costs
from .population import generate_persons, persons_columns
from .structure import build_county
from .writer import write_part

BLOCK_SIZE = 5_000
DEFAULT_CHUNK_SIZE = 50_000
DEFAULT_START = date(2023, 1, 1)

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` in residents-equivalent steps as parts are written."""


@dataclass(frozen=True)
class Params:
    residents: int
    years: int
    start: date
    seed: int

    def county(self):
        return build_county(self.seed, self.residents, self.start, self.years)


def generate_block(params: Params, number: int, county=None, queue=None) -> dict[str, pa.Table]:
    """All person-level tables of block `number` (its residents and everything they use)."""
    county = county or params.county()
    queue = queue or specialised.referral_queue(county)
    first = number * BLOCK_SIZE
    last = min(first + BLOCK_SIZE, params.residents)

    def rng(module: int) -> np.random.Generator:
        return np.random.default_rng([params.seed, number, module])

    persons = generate_persons(county, first, last, rng(1))
    block = Block(number)
    block.add("persons", **persons_columns(county, persons))
    has_plan = plans.generate(block, county, persons, rng(2))
    primary_care.generate(block, county, persons, rng(3), has_plan)
    specialised.generate(block, county, persons, rng(4), queue)
    social.generate(block, county, persons, rng(5))
    long_term_care.generate(block, county, persons, rng(long_term_care.RNG_STREAM))
    digital.generate(block, county, persons, rng(6))
    return block.tables()


def _person_chunk(out_dir: Path, params: Params, blocks: range) -> dict[str, int]:
    county = params.county()
    queue = specialised.referral_queue(county)
    parts: dict[str, list[pa.Table]] = {}
    for number in blocks:
        for name, table in generate_block(params, number, county, queue).items():
            parts.setdefault(name, []).append(table)
    counts = {}
    for name, tables in parts.items():
        table = pa.concat_tables(tables)
        write_part(out_dir, name, f"part-{blocks.start:05d}", table)
        counts[name] = table.num_rows
    return counts


def _slot_chunk(out_dir: Path, params: Params, stations: range) -> dict[str, int]:
    table = slots.station_slots(params.county(), stations)
    write_part(out_dir, "appointment_slots", f"slots-{stations.start:05d}", table)
    return {"appointment_slots": table.num_rows}


def generate(out_dir: str | Path, residents: int = 70_000, years: int = 3,
             start: date = DEFAULT_START, seed: int = 1, chunk_size: int = DEFAULT_CHUNK_SIZE,
             progress: Progress | None = None, workers: int | None = None) -> dict[str, int]:
    """Generate a synthetic county as Parquet part files under `out_dir` (one directory per
    canonical table, replaced if present). Returns the number of rows written per table.

    `workers` defaults to min(2, CPU count); the output does not depend on it or on
    `chunk_size`.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    out_dir = Path(out_dir)
    for table in TABLES:
        shutil.rmtree(out_dir / table.name, ignore_errors=True)
    params = Params(residents, years, start, seed)
    county = params.county()
    counts: dict[str, int] = {}
    for name, table in (("units", county.units_table()),
                        ("professionals", county.professionals_table()),
                        ("unit_costs", unit_costs(county.period)),
                        ("digital_pathway_stages", digital.pathway_stages(county))):
        write_part(out_dir, name, "part-00000", table)
        counts[name] = table.num_rows

    blocks_per_chunk = max(1, -(-chunk_size // BLOCK_SIZE))
    n_blocks = -(-residents // BLOCK_SIZE)
    tasks = [(_person_chunk, range(b, min(b + blocks_per_chunk, n_blocks)),
              (min(b + blocks_per_chunk, n_blocks) - b) * BLOCK_SIZE)
             for b in range(0, n_blocks, blocks_per_chunk)]
    stations_per_part = max(1, round(county.n_stations * chunk_size / residents))
    tasks += [(_slot_chunk, range(s, min(s + stations_per_part, county.n_stations)),
               0) for s in range(0, county.n_stations, stations_per_part)]
    total = sum(weight for _, _, weight in tasks) + len(tasks)
    done = 0

    def finished(result: dict[str, int], weight: int) -> None:
        nonlocal done
        for name, rows in result.items():
            counts[name] = counts.get(name, 0) + rows
        done += weight + 1
        if progress:
            progress(min(done, total), total)

    workers = workers or min(2, os.cpu_count() or 1)
    if workers == 1 or len(tasks) == 1:
        for func, part, weight in tasks:
            finished(func(out_dir, params, part), weight)
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(func, out_dir, params, part): weight
                       for func, part, weight in tasks}
            for future in as_completed(futures):
                finished(future.result(), futures[future])
    return {table.name: counts.get(table.name, 0) for table in TABLES}


def load_into_store(con: duckdb.DuckDBPyConnection, parquet_dir: str | Path) -> dict[str, int]:
    """Load generated Parquet into the canonical tables of an open store, one streaming
    ``INSERT … SELECT FROM read_parquet`` per table, in the schema's load order. The tables must
    be empty: synthetic data never mixes with a county's real data."""
    parquet_dir = Path(parquet_dir)
    for table in TABLES:
        (rows,) = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()
        if rows:
            raise ValueError(f"table {table.name} already holds {rows} rows; load synthetic "
                             "data into a new database")
    loaded = {}
    for table in TABLES:
        files = sorted((parquet_dir / table.name).glob("*.parquet"))
        if not files:
            loaded[table.name] = 0
            continue
        columns = ", ".join(table.column_names)
        pattern = str(parquet_dir / table.name / "*.parquet").replace("'", "''")
        con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
                    f"FROM read_parquet('{pattern}')")
        (loaded[table.name],) = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()
    return loaded


def synthesize_county(db_path: str | Path, residents: int = 70_000, years: int = 3,
                      start: date = DEFAULT_START, seed: int = 1,
                      chunk_size: int = DEFAULT_CHUNK_SIZE, progress: Progress | None = None,
                      workers: int | None = None,
                      parquet_dir: str | Path | None = None) -> dict[str, int]:
    """Generate a county and load it into a new store at `db_path`; returns rows per table.

    The Parquet files go to `parquet_dir` if given (and are kept), else to a temporary
    directory that is removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="tilannekuva-synth-") as tmp:
        target = Path(parquet_dir) if parquet_dir else Path(tmp)
        generate(target, residents=residents, years=years, start=start, seed=seed,
                 chunk_size=chunk_size, progress=progress, workers=workers)
        con = open_store(db_path)
        try:
            return load_into_store(con, target)
        finally:
            con.close()
