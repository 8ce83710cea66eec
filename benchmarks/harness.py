"""What the benchmarks share: opening a county database as an analyst would, running a
measurement in a fresh process with its peak memory watched, and building a synthetic county
to measure on.

Run the benchmarks as `python benchmarks/<name>.py`; they import this module from their own
folder."""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import psutil

from tilannekuva.store import TIMEZONE, open_store
from tilannekuva.synth import generate, load_into_store


def quiet(backend):
    """No DuckDB progress bar: it would interleave with this script's output."""
    backend.raw_sql("SET enable_progress_bar = false")
    return backend


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A plain read-only connection with dates in Helsinki time, as any analyst would open."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    con.execute("SET enable_progress_bar = false")
    return con


@dataclass
class Measurement:
    times: list[float]
    result: object
    peak_gb: float
    stopped_at: float | None = None  # seconds in, when stopped for passing the memory limit

    @property
    def best(self) -> float:
        return min(self.times)


def peak_rss_gb() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux carries a parent's peak
    over fork and exec into the child's, so every measurement would report at least what the
    parent used to load the county."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    raise RuntimeError("no VmHWM in /proc/self/status (this benchmark needs Linux)")


def _measure_in_child(pipe, method: Callable, db: Path, start: date, end: date, repeat: int,
                      options: dict) -> None:
    try:
        times, result = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            outcome = method(db, start, end, **options)
            times.append(time.perf_counter() - started)
            if times[-1] == min(times):
                result = outcome
        pipe.send(("ok", times, result, peak_rss_gb()))
    except BaseException:
        pipe.send(("error", traceback.format_exc()))


def measure(method: Callable, db: Path, start: date, end: date, repeat: int, limit_gb: float,
            **options) -> Measurement:
    """Runs `method(db, start, end, **options)` `repeat` times in a fresh process, watching its
    resident set every 0.1 s and killing it when it passes `limit_gb`. `method` must be a
    module-level function (the fresh process imports it by name)."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_measure_in_child,
                        args=(send, method, db, start, end, repeat, options))
    child.start()
    send.close()
    watched, started, sampled = psutil.Process(child.pid), time.perf_counter(), 0
    while not receive.poll(0.1):
        if not child.is_alive():
            raise RuntimeError(f"measurement {method.__name__} died (exit code {child.exitcode})")
        with contextlib.suppress(psutil.Error):
            sampled = max(sampled, watched.memory_info().rss)
        if sampled > limit_gb * 2**30:
            child.kill()
            child.join()
            return Measurement([], None, sampled / 2**30, time.perf_counter() - started)
    status, *payload = receive.recv()
    child.join()
    if status == "error":
        raise RuntimeError(f"measurement {method.__name__} failed:\n{payload[0]}")
    times, result, peak = payload
    return Measurement(times, result, peak)


def printing_progress(what: str):
    """A generator progress callback printing every 10 %."""
    shown = [-1]

    def progress(done: int, total: int) -> None:
        tenth = 10 * done // total
        if tenth > shown[0]:
            shown[0] = tenth
            print(f"   {what}: {10 * tenth:3d} %", flush=True)
    return progress


def build_county(db: Path, residents: int, years: int, workers: int | None) -> None:
    """Generate to Parquet next to `db` and load into a new store, as bench_synth does
    (streaming loads with insertion order off, which keeps the national load's memory low);
    the Parquet is removed afterwards."""
    started = time.perf_counter()
    parquet = db.with_name(db.stem + "-parquet")
    try:
        generate(parquet, residents=residents, years=years, seed=1, workers=workers,
                 progress=printing_progress(f"generating {residents:,} × {years}"))
        print(f"   generated in {time.perf_counter() - started:.0f} s; loading into {db}",
              flush=True)
        con = open_store(db)
        con.execute("SET preserve_insertion_order = false")
        load_into_store(con, parquet)
        con.close()
    except BaseException:
        db.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(parquet, ignore_errors=True)
    print(f"   county ready in {time.perf_counter() - started:.0f} s", flush=True)


NATIONAL_RESIDENTS = 5_600_000


def run_arguments(description: str) -> argparse.ArgumentParser:
    """The options every county benchmark takes: which runs (the default county, a national
    year), where the databases are kept, repeats, the memory limit, generator processes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--national", action="store_true",
                        help="also run a national year (5,600,000 residents × 1 year)")
    parser.add_argument("--national-only", action="store_true")
    parser.add_argument("--residents", type=int, default=NATIONAL_RESIDENTS,
                        help="residents of the national run (smaller to try it out)")
    parser.add_argument("--keep", type=Path,
                        help="keep generated databases in this folder and reuse them")
    parser.add_argument("--db", type=Path,
                        help="the database of a single run: reused if it exists, else "
                             "generated there and kept")
    parser.add_argument("--repeat", type=int,
                        help="runs per measurement, best counted (default 3; 1 national)")
    parser.add_argument("--memory-limit", type=float, default=18.0,
                        help="GB of resident set at which a measurement is stopped")
    parser.add_argument("--workers", type=int, default=None, help="generator processes")
    return parser


@contextlib.contextmanager
def planned_runs(parser: argparse.ArgumentParser, args: argparse.Namespace,
                 prefix: str) -> Iterator[list[tuple[str, Path, int, int, int]]]:
    """(label, database, residents, years, repeat) of each run the options ask for; the
    databases live in --keep, or in a temporary folder removed afterwards."""
    runs = [] if args.national_only else [("default", 70_000, 3)]
    if args.national or args.national_only:
        runs.append(("national", args.residents, 1))
    if args.db and len(runs) > 1:
        parser.error("--db names one database; use --keep DIR for both runs")
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        yield [(label, args.db or folder / f"{label}-{residents}x{years}-seed1.duckdb",
                residents, years, args.repeat or (3 if label == "default" else 1))
               for label, residents, years in runs]
