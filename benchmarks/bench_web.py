"""Benchmark of the dashboard under load: 20 simulated users browsing the overview and filtered
pages of the default demo county over loopback.

    python benchmarks/bench_web.py                      # demo/county.duckdb (made if missing)
    python benchmarks/bench_web.py --users 20 --rounds 3 --db demo/county.duckdb

The server is the real thing, `tilannekuva serve` in its own process, over a copy of the county
database (so a running demo is not disturbed). Each simulated user signs in, then walks the same
script `--rounds` times with filters drawn from a seeded random choice:

    overview → care guarantee and access page → T3 page → access page filtered by a unit
    (and, every other step, an age band) → an indicator page of that unit broken down by
    profession → the T3 page of the unit → another capability's page (continuity, heavy
    users, feedback, ...) in its default view

All users run at once (asyncio + httpx on loopback, one connection each). Reported: throughput
(pages per second over the whole run), p50/p95/p99 latency per page kind and overall, and
separately for a URL's first view (computed by the server) and repeats (served from its
memory). The baseline, measured in the same run under the same load, is the static style sheet:
the ratio page p95 / static p95 says how much of a page's time is the page itself.

The server warms up when it starts, as `tilannekuva serve` always does: the default overview
(which is every capability page's default view) and the access and T3 pages filtered by one
value of one shared filter (`Figures.warm`). The benchmark
waits for that (`/health`) before the users begin, and prints how long it took: the users
measure a server that has been up for a while, not one starting. The access pages filtered by a
unit *and* an age band, and the breakdowns by profession, are not warmed: they are the first
views the users' numbers show.

Target: p95 under 300 ms per page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from tilannekuva.indicators.registry import REGISTRY
from tilannekuva.store import open_store
from tilannekuva.web import accounts

TARGET_P95_MS = 300
CLI = Path(sys.executable).parent / "tilannekuva"
USER, PASSWORD = "bench", "bench-password-0123"
#: The capabilities besides access and T3, one of which each round visits.
OTHER_GROUPS = [g for g in dict.fromkeys(i.group for i in REGISTRY.values())
                if g not in ("access", "t3")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(source: Path, folder: Path) -> tuple[Path, list[str]]:
    """A copy of the county with the benchmark's user; returns it and the health stations."""
    db = folder / "county.duckdb"
    shutil.copy(source, db)
    con = open_store(db)
    try:
        accounts.create_tables(con)
        if USER in {u.user_name for u in accounts.users(con)}:
            accounts.remove_user(con, USER)
        accounts.add_user(con, USER, PASSWORD, "director")
        units = [r[0] for r in con.execute("SELECT unit_id FROM units WHERE unit_type = "
                                           "'health_station' ORDER BY unit_id").fetchall()]
    finally:
        con.close()
    return db, units


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def script(rng: random.Random, units: list[str]) -> list[tuple[str, str]]:
    unit = rng.choice(units)
    age = rng.choice(["", "&age_band=23–64", "&age_band=65–74", "&age_band=75+"])
    return [("overview", "/"), ("access", "/capability/access"), ("t3", "/capability/t3"),
            ("access filtered", f"/capability/access?unit={unit}{age}"),
            ("indicator breakdown",
             f"/indicator/primary_care_within_deadline?unit={unit}&by=profession"),
            ("t3 filtered", f"/capability/t3?unit={unit}"),
            ("other capability", f"/capability/{rng.choice(OTHER_GROUPS)}")]


async def user(base: str, number: int, rounds: int, units: list[str], seen: set,
               timings: list) -> None:
    rng = random.Random(number)
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        response = await client.post("/login", data={"username": USER, "password": PASSWORD})
        if response.status_code != 303:
            raise RuntimeError(f"sign-in failed: HTTP {response.status_code}")
        for _ in range(rounds):
            for kind, url in [*script(rng, units), ("static", "/static/style.css")]:
                first = url not in seen
                seen.add(url)
                started = time.perf_counter()
                response = await client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code}")
                timings.append((kind, first, elapsed))


async def load(base: str, users: int, rounds: int, units: list[str]) -> tuple[list, float]:
    timings: list = []
    seen: set = set()
    started = time.perf_counter()
    await asyncio.gather(*(user(base, n, rounds, units, seen, timings) for n in range(users)))
    return timings, time.perf_counter() - started


def wait_until_warm(base: str, timeout: float = 600) -> float:
    """Seconds until the server has warmed up (/health: all of its first views computed)."""
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=timeout) as client:
        while True:
            try:
                warm = client.get("/health").json()["warm_up"]
                if warm["total"] and warm["done"] == warm["total"]:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > timeout:
                raise TimeoutError("the server did not warm up")
            time.sleep(0.5)


def report(timings: list, wall: float) -> bool:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, first, elapsed in timings:
        by_kind[kind].append(elapsed * 1000)
        if kind != "static":
            by_kind["all pages, first view" if first else "all pages, repeat"].append(
                elapsed * 1000)
            by_kind["all pages"].append(elapsed * 1000)
    pages = len(by_kind["all pages"])
    print(f"\n{pages} pages and {len(by_kind['static'])} static files in {wall:.1f} s: "
          f"{pages / wall:.1f} pages/s")
    print(f"{'request':<26}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for kind, values in by_kind.items():
        print(f"{kind:<26}{len(values):>6}{statistics.median(values):>10.1f}"
              f"{percentile(values, 0.95):>10.1f}{percentile(values, 0.99):>10.1f}")
    p95 = percentile(by_kind["all pages"], 0.95)
    static = percentile(by_kind["static"], 0.95)
    print(f"\nratio page p95 / static p95 (baseline, same run): {p95 / static:.1f}×")
    met = p95 < TARGET_P95_MS
    print(f"target p95 < {TARGET_P95_MS} ms per page: {'met' if met else 'MISSED'} "
          f"({p95:.0f} ms)")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("demo/county.duckdb"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        print(f"{args.db} not found: generating the demo county ...", flush=True)
        subprocess.run([str(CLI), "synth", "--db", str(args.db)],
                       check=True)
    with tempfile.TemporaryDirectory() as folder:
        db, units = prepare(args.db, Path(folder))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([str(CLI), "serve", "--db", str(db), "--port", str(port)],
                                  stdout=subprocess.DEVNULL)
        try:
            print(f"server up and warm (overview and every single-filter access and T3 page) "
                  f"after {wait_until_warm(base):.1f} s; "
                  f"{args.users} users × {args.rounds} rounds over {len(units)} units",
                  flush=True)
            timings, wall = asyncio.run(load(base, args.users, args.rounds, units))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    report(timings, wall)


if __name__ == "__main__":
    main()
