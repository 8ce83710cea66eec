"""Benchmark of the synthetic county generator: generation to Parquet plus loading into DuckDB.

    python benchmarks/bench_synth.py                       # default county (70,000 × 3 years)
    python benchmarks/bench_synth.py --national            # + 5.6 million residents × 1 year

For each run it prints wall time, rows and rows/s, peak memory (the largest resident set of this
process and of any worker, and the peak of their sum sampled every 0.2 s), and a baseline measured
in the same run: writing the same number of rows of plain random numpy columns (eight numeric
columns) to Parquet in one process. The ratio ours/baseline says what the modelling costs on top
of merely writing that much data on this machine. Targets: the default county in under 30 s on
2 cores; a national year in under 15 minutes within 6 GB.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from tilannekuva.store import open_store
from tilannekuva.synth import generate, load_into_store

TARGETS = {"default": 30.0, "national": 15 * 60.0}
MEMORY_TARGET_GB = 6.0


class MemorySampler:
    """Peak of the summed RSS of this process and its children, sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def baseline(rows: int, directory: Path, chunk: int = 2_000_000) -> float:
    """Seconds to write `rows` rows of eight random numeric columns to Parquet."""
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for i, lo in enumerate(range(0, rows, chunk)):
        n = min(chunk, rows - lo)
        table = pa.table({f"c{k}": (rng.integers(0, 10**9, n) if k % 2 else rng.random(n))
                          for k in range(8)})
        pq.write_table(table, directory / f"part-{i:05d}.parquet", compression="snappy")
    return time.perf_counter() - start


def run(label: str, residents: int, years: int, workers: int | None) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        tmp = Path(tmp)
        with MemorySampler() as memory:
            t0 = time.perf_counter()
            counts = generate(tmp / "parquet", residents=residents, years=years,
                              workers=workers)
            t_gen = time.perf_counter() - t0
            con = open_store(tmp / "county.duckdb")
            con.execute("SET preserve_insertion_order = false")
            load_into_store(con, tmp / "parquet")
            con.close()
            t_all = time.perf_counter() - t0
        rows = sum(counts.values())
        (tmp / "baseline").mkdir()
        t_base = baseline(rows, tmp / "baseline")
    self_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    child_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    print(f"== {label}: {residents:,} residents × {years} year(s)")
    print(f"   generate {t_gen:8.1f} s   generate+load {t_all:8.1f} s   "
          f"target < {TARGETS[label]:.0f} s   {'OK' if t_all < TARGETS[label] else 'MISSED'}")
    print(f"   rows {rows:,}   {rows / t_gen:,.0f} rows/s generated   "
          f"{rows / t_all:,.0f} rows/s generated+loaded")
    print(f"   peak RSS: main {self_gb:.2f} GB, largest worker {child_gb:.2f} GB, "
          f"sum sampled {memory.peak / 2**30:.2f} GB   target < {MEMORY_TARGET_GB} GB")
    print(f"   baseline (same rows of random numeric columns to Parquet) {t_base:.1f} s   "
          f"ratio generate/baseline {t_gen / t_base:.1f}×")
    for name, n in counts.items():
        print(f"     {name:32s} {n:>14,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true",
                        help="also run 5,600,000 residents × 1 year")
    parser.add_argument("--national-only", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    if not args.national_only:
        run("default", 70_000, 3, args.workers)
    if args.national or args.national_only:
        run("national", 5_600_000, 1, args.workers)


if __name__ == "__main__":
    main()
