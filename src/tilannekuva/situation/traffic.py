"""Synthetic traffic for the demo county's situation centre, so the demo shows a living board.

Two ways to run the same process (`traffic_process.Traffic`), both driving the real service —
every step one `SituationCentre` call, one transaction, with its audit row and history event:

* `simulate(centre, county, start, end, seed)` writes history between two aware times on a
  simulated clock, as fast as the database allows; the same seed on the same starting
  database gives the same history, event for event.
* `LiveTraffic(centre, county, seed, speed).start()` continues the process on the wall clock
  in a background thread (optionally `speed` times faster) until `stop()`; people may act on
  the same requests, beds and orders meanwhile: a step they pre-empted is skipped.

The calibrated distributions are in `traffic_model.py`, what is read from the county in
`traffic_county.py`; docs/situation.md ("Synthetic traffic") describes the process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import sqlalchemy as sa

from tilannekuva.situation.database import read
from tilannekuva.situation.service import SituationCentre
from tilannekuva.situation.tables import situation_events
from tilannekuva.situation.traffic_county import CountyFacts, county_facts, setup_wards
from tilannekuva.situation.traffic_process import Traffic

__all__ = ["LiveTraffic", "TrafficSummary", "setup_wards", "simulate", "simulate_to",
           "start_live_traffic"]

log = logging.getLogger(__name__)

County = duckdb.DuckDBPyConnection | CountyFacts


@dataclass(frozen=True)
class TrafficSummary:
    """What one `simulate` run did. The mean times are the generator's own account (over the
    requests created in the run); the tests measure them from the history independently."""

    start: datetime
    end: datetime
    seconds: float                 # wall-clock time the run took
    calls: int                     # service calls made (each one transaction)
    events: int                    # history events written (situation_events rows)
    skipped: int                   # steps the service refused (someone acted first)
    requests: int
    placed: int
    departed: int
    declined: int
    cancelled: int
    interrupted: int
    handoffs: int
    transports: int
    mean_place_minutes: float | None   # created → placed
    mean_ed_minutes: float | None      # created → departed
    occupancy: dict[str, float]        # ward code → mean share of beds occupied (hourly)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _facts(county: County) -> CountyFacts:
    return county if isinstance(county, CountyFacts) else county_facts(county)


def _last_event(engine: sa.Engine) -> tuple[int, datetime | None]:
    return read(engine, lambda con: tuple(con.execute(sa.select(
        sa.func.count(), sa.func.max(situation_events.c.at))).one()))


def simulate(centre: SituationCentre, county: County, start: datetime, end: datetime,
             seed: int = 1, progress: Callable[[float, float], None] | None = None
             ) -> TrafficSummary:
    """Generate the situation centre's history from `start` to `end` (aware times) on a
    simulated clock: creates the wards and beds from the county if missing (`setup_wards`),
    resumes whatever the traffic left in flight before (or fills the wards on a fresh
    database), then runs the process. `county` is the county database (a DuckDB connection)
    or the facts already read from it. `progress(done, total)` is called in simulated seconds
    every simulated hour. Refuses a `start` before the history's last event, since history
    cannot be written backwards."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")
    facts = _facts(county)
    events_before, last = _last_event(centre.engine)
    if last is not None and last > start:
        raise ValueError(f"the situation centre's history already runs to {last.isoformat()}; "
                         "simulate from that time or later")
    began = time.perf_counter()
    traffic = Traffic(centre.engine, facts, seed, origin=start)
    setup_wards(traffic.service, facts)
    traffic.progress, traffic.sample_until = progress, end
    traffic.resume()
    traffic.run_until(end)
    seconds = time.perf_counter() - began
    if progress is not None:
        progress((end - start).total_seconds(), (end - start).total_seconds())
    stats, line = traffic.stats, traffic.timeline
    return TrafficSummary(
        start=start, end=end, seconds=seconds, calls=stats["calls"],
        events=_last_event(centre.engine)[0] - events_before, skipped=stats["skipped"],
        requests=stats["requests"], placed=stats["placed"], departed=stats["departed"],
        declined=stats["declined"], cancelled=stats["cancelled"],
        interrupted=stats["interrupted"], handoffs=stats["handoffs"],
        transports=stats["transports"], mean_place_minutes=line.mean_minutes(line.placed),
        mean_ed_minutes=line.mean_minutes(line.departed),
        occupancy={w.code: sum(s) / len(s) for w in traffic.wards.values()
                   if (s := traffic.occupancy.get(w.id))})


def simulate_to(centre: SituationCentre, county: County, end: datetime, days: float,
                seed: int = 1, progress: Callable[[float, float], None] | None = None
                ) -> TrafficSummary:
    """Bring the history up to `end`: from its last event, or on a fresh database from `days`
    before `end` (the demo's 60 days before now, so the board and the live traffic go on from
    the present). A history already past `end` is refused by `simulate`."""
    last = _last_event(centre.engine)[1]
    start = last if last is not None else end - timedelta(days=days)
    return simulate(centre, county, start, end, seed, progress)


class LiveTraffic:
    """The traffic on the wall clock, in a daemon thread, for a board someone is watching.

    `speed` > 1 makes everything happen that many times faster (arrivals, waits, stays), so
    occupancy stays as it is while the board moves quicker; times are always written from the
    wall clock, in order with what people do. The thread never dies of an error: a step people
    pre-empted (`Conflict`, `IllegalTransition`, `NotFound`) is skipped and logged at debug
    level, anything else is logged with its traceback and the process carries on. The county
    facts are read here, in the caller's thread (a DuckDB connection is not shared)."""

    def __init__(self, centre: SituationCentre, county: County, seed: int = 1,
                 speed: float = 1.0):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.centre = centre
        self.facts = _facts(county)
        self.seed = seed
        self.speed = speed
        self.traffic: Traffic | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> LiveTraffic:
        if self._thread is not None:
            raise RuntimeError("this live traffic has already been started")
        self._thread = threading.Thread(target=self._run, name="situation-traffic",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after its current step and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stats(self) -> dict[str, int]:
        """Service calls made, steps skipped, errors, requests created, ... so far."""
        return dict(self.traffic.stats) if self.traffic is not None else {}

    def __enter__(self) -> LiveTraffic:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _run(self) -> None:
        traffic = self._begin()
        while traffic is not None and not self._stop.is_set():
            due = traffic.next_time()
            wait = 1.0 if due is None else (traffic.wall(due) - datetime.now(UTC)).total_seconds()
            if wait > 0:
                self._stop.wait(wait)
                continue
            try:
                traffic.step()
            except Exception:  # noqa: BLE001 — e.g. the re-read after a failed step failed too
                traffic.stats["errors"] += 1
                log.exception("the synthetic traffic failed a step; carrying on")

    def _begin(self) -> Traffic | None:
        """Set up the wards and resume the process; retried every 30 s until it works (the
        database may be briefly unavailable) or the traffic is stopped. A county without ward
        units gives no traffic at all (logged once)."""
        if not self.facts.wards:
            log.warning("the county has no ward units with beds: no synthetic traffic")
            return None
        while not self._stop.is_set():
            try:
                traffic = Traffic(self.centre.engine, self.facts, self.seed,
                                  origin=datetime.now(UTC), speed=self.speed, live=True)
                setup_wards(traffic.service, self.facts)
                traffic.resume()
                self.traffic = traffic
                return traffic
            except Exception:  # noqa: BLE001
                log.exception("the synthetic traffic could not start; retrying in 30 s")
                self._stop.wait(30)
        return None


def start_live_traffic(centre: SituationCentre, county: County, seed: int = 1,
                       speed: float = 1.0) -> LiveTraffic:
    """Start the live traffic (see `LiveTraffic`) and return it; call `.stop()` to end it."""
    return LiveTraffic(centre, county, seed, speed).start()
