"""Benchmark of the situation centre: mixed traffic from 50 concurrent clients through the HTTP
API against PostgreSQL, with the invariants checked in the database afterwards.

    python benchmarks/bench_situation.py                  # 50 clients at 300 requests/s, 30 s
    python benchmarks/bench_situation.py --quick          # a smoke run of a few seconds
    python benchmarks/bench_situation.py --clients 50 --rate 300 --seconds 60 --requests 30000

Everything runs on this machine over loopback: the throwaway PostgreSQL of the tests
(`scripts/postgres.sh start`, or `--postgres URL`) with a fresh database for the run, dropped
afterwards; a small county database for the users and their sessions; and the real server,
`tilannekuva serve`, in its own process with that PostgreSQL as its situation database. Wards
and beds are created through the API, the staff sign in (ED nurses, two nurses per ward,
coordinators, home-care and transport coordinators, viewers), and then `--clients` simulated
terminals walk the flows of `situation_load.MIX` through the API: board reads (GET /wards,
GET /requests, a request and its audit), routing requests (create, offer, accept or decline,
place in the first free bed of the board — every client placing on a ward picks the same bed,
so they race and the losers get 409 and try the next —, depart, vacate, cleaned, some
cancelled or interrupted), two nurses accepting at once, double-clicked placements, home-care
hand-offs, transport orders through their phases, beds blocked for repair, and retries with the
same Idempotency-Key (at once on a second connection, or after the answer).

Phases, each bounded by a request count and a time limit:

1. baseline, paced: the same clients at the same rate, each request the cheapest signed-in
   read that reaches PostgreSQL (GET /wards/{id}: routing, the token check, the role check, one
   indexed row, a small JSON answer). It is the floor every API call pays; the ratio of the
   mixed traffic to it says what the transactions and the larger answers add;
2. mixed, paced: the target's phase. The clients together send `--rate` requests per second
   as a Poisson stream (each at its share, with exponential gaps); a client whose previous
   answer is late sends at once, so a server that cannot keep up shows as lower throughput;
3. the ceilings (`--ceiling-seconds`, 0 skips): both again with every client sending as soon
   as it has its answer. Latency there is only queueing (clients / throughput); the
   throughput is the headroom.

Reported: throughput, p50/p95/p99 latency (send to answer) overall and per kind, how far
sends fell behind their schedule, the answers by status (409 from lost races is expected and
counted; any other 4xx or a 5xx is not), the CPU each process used per request (server,
PostgreSQL — every postgres process, so other users of the server add noise —, this load
generator), and the invariants checked in PostgreSQL afterwards (`situation_invariants`).

Target (issue 6): at least 300 requests per second with p99 under 100 ms on a 2-core machine,
zero invariant violations (and no 5xx).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import sqlalchemy as sa
from bench_web import free_port, percentile, wait_until_warm
from situation_invariants import check
from situation_load import BASELINE, MIX, Client, Phase, Staff, World, run_phase

from tilannekuva.store import open_store
from tilannekuva.web import accounts

TARGET_RATE, TARGET_P99_MS = 300, 100
ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "tilannekuva"
SPECIALTIES = ("internal_medicine", "surgery", "geriatrics")
ISOLATION_ROOMS = 2


def password(name: str) -> str:
    return f"bench-password-{name}"


def ward_codes(wards: int) -> list[str]:
    return [f"BW{n:02d}" for n in range(1, wards + 1)]


def roster(wards: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """(user, role, units) of the staff: two nurses per ward, the others a few each."""
    staff = [(f"sc{n}", "situation_centre", ()) for n in (1, 2, 3)]
    staff += [(f"ed{n}", "ed_nurse", ()) for n in range(1, 7)]
    staff += [(f"hc{n}", "home_care_coordinator", ()) for n in (1, 2)]
    staff += [(f"tc{n}", "transport_coordinator", ()) for n in (1, 2)]
    staff += [(f"view{n}", "situation_viewer", ()) for n in range(1, 5)]
    staff += [(f"wn-{code}-{n}", "ward_nurse", (code,)) for code in ward_codes(wards)
              for n in (1, 2)]
    return staff


def make_county(folder: Path, wards: int) -> Path:
    """An empty county database holding the staff's accounts: the server keeps its users and
    sessions there; the situation centre itself is in PostgreSQL."""
    db = folder / "county.duckdb"
    con = open_store(db)
    try:
        accounts.create_tables(con)
        for name, role, units in roster(wards):
            accounts.add_user(con, name, password(name), role, units)
    finally:
        con.close()
    return db


def postgres_server(url: str | None) -> str:
    if url:
        return url
    started = subprocess.run(["bash", str(ROOT / "scripts/postgres.sh"), "start"], check=True,
                             capture_output=True, text=True)
    return started.stdout.strip().splitlines()[-1]


def create_database(server: str) -> str:
    name = f"bench_situation_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, url: str) -> None:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" '
                            "WITH (FORCE)"))
    admin.dispose()


def set_up(base: str, world_host: str, port: int, wards: int, beds: int) -> World:
    """Sign the staff in and create the wards and beds through the API (not measured)."""
    with httpx.Client(base_url=base, timeout=60) as client:
        tokens = {}
        for name, _, _ in roster(wards):
            answer = client.post("/api/v1/token", data={"username": name,
                                                        "password": password(name)})
            answer.raise_for_status()
            tokens[name] = f"Bearer {answer.json()['access_token']}"
        staff = Staff(tokens, ["sc1", "sc2", "sc3"], [f"ed{n}" for n in range(1, 7)],
                      ["hc1", "hc2"], ["tc1", "tc2"], [f"view{n}" for n in range(1, 5)], {})
        world = World(world_host, port, staff, [])

        def post(path: str, body: dict) -> dict:
            answer = client.post(f"/api/v1/situation{path}", json=body,
                                 headers={"Authorization": tokens["sc1"]})
            if answer.status_code != 201:
                raise RuntimeError(f"setting up {path}: HTTP {answer.status_code} {answer.text}")
            return answer.json()

        for n, code in enumerate(ward_codes(wards)):
            ward = post("/wards", dict(code=code, name=f"Osasto {code}",
                                       specialty=SPECIALTIES[n % len(SPECIALTIES)],
                                       capacity=beds, isolation_rooms=min(ISOLATION_ROOMS, beds)))
            world.ledger.saw("ward", ward, "create")
            world.wards.append(ward)
            staff.nurses[ward["id"]] = [f"wn-{code}-1", f"wn-{code}-2"]
            for label in range(1, beds + 1):
                bed = post(f"/wards/{ward['id']}/beds", dict(
                    label=f"{label:02d}", is_isolation=label > beds - min(ISOLATION_ROOMS, beds)))
                world.ledger.saw("bed", bed, "create")
        answer = client.get("/api/v1/situation/wards", headers={"Authorization": tokens["sc1"]})
        world.read_board(answer.json(), 0.0)
    return world


# -- measuring ------------------------------------------------------------------------------

@dataclass
class Cpu:
    """CPU seconds used by the server, by PostgreSQL and by this load generator. PostgreSQL's
    are its backends serving the benchmark's database and its background processes; a backend
    that exits between two readings takes its time with it, so that figure is a lower bound."""

    server: float
    postgres: dict[int, float]
    client: float

    @staticmethod
    def now(server: psutil.Process, database: str) -> Cpu:
        postgres = {}
        for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
            if process.info["name"] != "postgres" or not process.info["cpu_times"]:
                continue
            title = " ".join(process.info["cmdline"] or ())
            backend = "(" in title or "[local]" in title
            if not backend or f" {database} " in title:
                times = process.info["cpu_times"]
                postgres[process.pid] = times.user + times.system
        times = server.cpu_times()
        return Cpu(times.user + times.system, postgres, time.process_time())

    def since(self, before: Cpu) -> tuple[float, float, float]:
        """(server, PostgreSQL, client) seconds from `before` to this reading."""
        postgres = sum(t - before.postgres.get(pid, 0.0) for pid, t in self.postgres.items())
        return self.server - before.server, postgres, self.client - before.client


@dataclass
class Result:
    """What a run found, for the report and for the smoke test."""

    phases: list[tuple[Phase, tuple[float, float, float]]] = field(default_factory=list)
    violations: dict[str, list[str]] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)

    def phase(self, name: str) -> Phase:
        return next(p for p, _ in self.phases if p.name == name)

    @property
    def server_errors(self) -> int:
        return sum(1 for p, _ in self.phases for r in p.records if r[1] >= 500)

    def met(self) -> dict[str, bool]:
        mixed = self.phase("mixed, paced")
        ms = [r[2] * 1000 for r in mixed.records]
        return {f"throughput ≥ {TARGET_RATE} requests/s": len(ms) / mixed.wall >= TARGET_RATE,
                f"p99 < {TARGET_P99_MS} ms": percentile(ms, 0.99) < TARGET_P99_MS,
                "zero invariant violations": not any(self.violations.values()),
                "no 5xx": self.server_errors == 0}


async def drive(world: World, args: argparse.Namespace, server: psutil.Process,
                database: str) -> list:
    """Every phase in turn with the same clients; each phase with the CPU it cost."""
    clients = [Client(world, n, args.seed) for n in range(args.clients)]
    plan = [(Phase("baseline, paced", args.requests, args.baseline_seconds, args.rate),
             BASELINE),
            (Phase("mixed, paced", args.requests, args.seconds, args.rate), MIX)]
    if args.ceiling_seconds > 0:
        plan += [(Phase("baseline, ceiling", args.requests, args.ceiling_seconds, None),
                  BASELINE),
                 (Phase("mixed, ceiling", args.requests, args.ceiling_seconds, None), MIX)]
    done = []
    for phase, flows in plan:
        print(f"   {phase.name}: {args.clients} clients, "
              f"{'as fast as answered' if phase.rate is None else f'{phase.rate:g} requests/s'}"
              f", ≤ {phase.requests} requests, ≤ {phase.seconds:g} s "
              f"(load average {os.getloadavg()[0]:.2f})", flush=True)
        before = Cpu.now(server, database)
        await run_phase(world, clients, phase, flows)
        done.append((phase, Cpu.now(server, database).since(before)))
    for client in clients:
        await client.close()
    return done


def run(args: argparse.Namespace) -> Result:
    """Set up, drive every phase, check the invariants; the server and the database are
    removed whatever happens."""
    server_url = postgres_server(args.postgres)
    url = create_database(server_url)
    result = Result()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-situation-") as folder:
            started = time.perf_counter()
            db = make_county(Path(folder), args.wards)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = {**os.environ, "TILANNEKUVA_SITUATION_DATABASE": url}
            server = subprocess.Popen([str(CLI), "serve", "--db", str(db), "--port", str(port)],
                                      env=env, cwd=folder, stdout=subprocess.DEVNULL)
            try:
                warm = wait_until_warm(base)
                world = set_up(base, "127.0.0.1", port, args.wards, args.beds)
                print(f"   server up and warm after {warm:.1f} s; {args.wards} wards × "
                      f"{args.beds} beds, {len(world.staff.tokens)} staff signed in; set up in "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
                result.phases = asyncio.run(drive(world, args, psutil.Process(server.pid),
                                                  sa.make_url(url).database))
            finally:
                server.terminate()
                server.wait(timeout=30)
            result.unexpected = world.unexpected
            engine = sa.create_engine(url)
            try:
                result.violations = check(engine, world.ledger)
            finally:
                engine.dispose()
    finally:
        if not args.keep_database:
            drop_database(server_url, url)
        else:
            print(f"   kept the database: {url}")
    return result


# -- reporting ------------------------------------------------------------------------------

def latencies(records, kind: str | None = None) -> list[float]:
    return [r[2] * 1000 for r in records if kind is None or r[0] == kind]


def summary(phase: Phase, cpu: tuple[float, float, float]) -> str:
    ms = latencies(phase.records)
    behind = [r[3] * 1000 for r in phase.records]
    n = len(ms)
    return (f"{phase.name:<20}{n:>7}{n / phase.wall:>9.0f}{statistics.median(ms):>8.1f}"
            f"{percentile(ms, 0.95):>8.1f}{percentile(ms, 0.99):>8.1f}"
            f"{percentile(behind, 0.99):>9.1f}"
            + "".join(f"{1000 * seconds / n:>8.2f}" for seconds in cpu))


def report(result: Result, args: argparse.Namespace) -> bool:
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")
    print(f"\n{'phase':<20}{'n':>7}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'behind':>9}{'server':>8}{'PG':>8}{'client':>8}")
    for phase, cpu in result.phases:
        print(summary(phase, cpu))
    print("   (latency: send to answer, ms; behind: p99 of how late sends left their schedule, "
          "ms; server, PG, client: CPU ms per request of the server, PostgreSQL, this "
          "load generator)")

    for name in ("mixed, paced",):
        phase = result.phase(name)
        kinds: dict[str, list] = defaultdict(list)
        for record in phase.records:
            kinds[record[0]].append(record)
        print(f"\n{name}, per kind{'':<18}{'n':>6}{'share':>7}{'p50 ms':>8}{'p95 ms':>8}"
              f"{'p99 ms':>8}{'409 race':>9}{'other':>7}")
        for kind, records in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
            ms = latencies(records)
            races = sum(1 for r in records if r[4] == "lost race")
            other = sum(1 for r in records if r[1] >= 300 and r[4] != "lost race")
            print(f"{kind:<32}{len(ms):>6}{100 * len(ms) / len(phase.records):>6.1f}%"
                  f"{statistics.median(ms):>8.1f}{percentile(ms, 0.95):>8.1f}"
                  f"{percentile(ms, 0.99):>8.1f}{races:>9}{other:>7}")

    statuses = Counter(r[1] for p, _ in result.phases for r in p.records)
    races = sum(1 for p, _ in result.phases for r in p.records if r[4] == "lost race")
    print(f"\nanswers of all phases by status: "
          f"{', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))}; "
          f"409 from lost races (expected): {races}; unexpected answers: "
          f"{len(result.unexpected)}")
    for line in result.unexpected[:10]:
        print(f"   {line}")

    print("\ninvariants, checked in PostgreSQL after the run:")
    for name, found in result.violations.items():
        print(f"   {name}: {len(found)} violations")
        for line in found[:5]:
            print(f"      {line}")

    base, mixed = result.phase("baseline, paced"), result.phase("mixed, paced")
    b, m = latencies(base.records), latencies(mixed.records)
    print(f"\nratio mixed / baseline (same clients, same rate, same run): p50 "
          f"{statistics.median(m) / statistics.median(b):.1f}×, p99 "
          f"{percentile(m, 0.99) / percentile(b, 0.99):.1f}×")
    if args.ceiling_seconds > 0:
        bc, mc = result.phase("baseline, ceiling"), result.phase("mixed, ceiling")
        print(f"ceiling: mixed {len(mc.records) / mc.wall:.0f} requests/s = "
              f"{len(mc.records) / mc.wall / (len(bc.records) / bc.wall):.2f}× the baseline's "
              f"{len(bc.records) / bc.wall:.0f}")
    met = result.met()
    print(f"\ntarget (mixed, paced at {args.rate:g}/s): "
          + "; ".join(f"{what}: {'met' if ok else 'MISSED'}" for what, ok in met.items()))
    return all(met.values())


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=300,
                        help="requests per second of all clients together in the paced phases")
    parser.add_argument("--seconds", type=float, default=30, help="the mixed paced phase")
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--ceiling-seconds", type=float, default=10,
                        help="each closed-loop phase; 0 skips them")
    parser.add_argument("--requests", type=int, default=30_000, help="at most, per phase")
    parser.add_argument("--wards", type=int, default=6)
    parser.add_argument("--beds", type=int, default=8, help="per ward")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL server's SQLAlchemy URL (default: "
                                           "start scripts/postgres.sh); a database is created "
                                           "on it for the run and dropped afterwards")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 10 clients at 60/s, 3 wards, a few seconds a phase")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.rate, args.seconds = 10, 60.0, 4.0
        args.baseline_seconds = args.ceiling_seconds = 1.5
        args.requests, args.wards, args.beds = 600, 3, 4
    return args


def main() -> None:
    args = arguments()
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    result = run(args)
    report(result, args)


if __name__ == "__main__":
    main()
