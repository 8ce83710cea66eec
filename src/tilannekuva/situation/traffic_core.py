"""The core of the synthetic traffic's process (`traffic_process.Traffic`): what it remembers
about the entities it drives, its clocks, its timers and its reads of the database.

Time: the process runs on *model time* `t`. The service writes `write_clock()`: model time
itself when simulating history, the wall clock in live mode. With `speed` > 1 (live mode only)
model time runs `speed` times faster than the wall clock from `origin`, so every delay, stay
and arrival gap shrinks alike and the board's occupancy is unchanged. Timers are keyed by the
entity they drive (`("request", 7)`, `("bed", 12)`, ...): scheduling a key replaces its pending
timer, so each entity has at most one next step."""

from __future__ import annotations

import heapq
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tilannekuva.situation import traffic_model as model
from tilannekuva.situation.database import read
from tilannekuva.situation.errors import Conflict, IllegalTransition, NotFound
from tilannekuva.situation.service import SituationCentre
from tilannekuva.situation.tables import beds
from tilannekuva.situation.traffic_county import CountyFacts

log = logging.getLogger(__name__)

ACTOR_PREFIX = "sim:"
ED_NURSE = "sim:ed-nurse"
COORDINATOR = "sim:coordinator"
AMBULANCE = "sim:ambulance"
#: Refusals that mean a person (or another client) acted first: skip the step, re-read.
EXPECTED = (Conflict, IllegalTransition, NotFound)
SAMPLE_EVERY = timedelta(hours=1)
FINAL = {"departed", "cancelled", "interrupted"}


def ward_actor(code: str) -> str:
    return f"{ACTOR_PREFIX}ward:{code}"


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


@dataclass
class Ward:
    id: int
    code: str
    name: str
    specialty: str
    beds: int
    target: float            # occupancy the arrival rate is solved for
    rate: float              # routing requests per minute, on average


@dataclass
class Request:
    specialty: str
    urgency: str
    needs_isolation: bool
    patient_ref: str | None
    created_at: datetime
    state: str = "open"
    ward_id: int | None = None
    declines: int = 0                      # random declines so far
    declined_wards: set[int] = field(default_factory=set)
    target_ward: int | None = None         # set for patients on the ward when traffic began
    steps: int = 0                         # steps scheduled so far
    end: tuple[str, str, int] | None = None  # cancel/interrupt, reason, instead of which step

    @property
    def pace(self) -> float:
        return model.URGENCY_PACE[self.urgency]


@dataclass
class Stay:
    request_id: int
    ward: Ward
    patient_ref: str | None
    needs_isolation: bool
    discharge_at: datetime
    destination: str
    handoff_id: int | None = None


@dataclass
class Timeline:
    """When each routing request of this run was created, placed and departed (model time)."""

    created: dict[int, datetime] = field(default_factory=dict)
    placed: dict[int, datetime] = field(default_factory=dict)
    departed: dict[int, datetime] = field(default_factory=dict)

    def mean_minutes(self, until: dict[int, datetime]) -> float | None:
        spans = [(until[r] - self.created[r]).total_seconds() / 60
                 for r in until if r in self.created]
        return sum(spans) / len(spans) if spans else None


class Core:
    """The state, clocks, timers and reads that the flows share."""

    def __init__(self, engine: sa.Engine, county: CountyFacts, seed: int, origin: datetime,
                 speed: float = 1.0, live: bool = False):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.engine = engine
        self.county = county
        self.seed = seed
        self.rng = random.Random(seed)
        self.origin = origin.astimezone(UTC)
        self.speed = speed
        self.live = live
        self.t = self.origin
        self.service = SituationCentre(engine, clock=self.write_clock)
        self.heap: list[tuple] = []
        self.seq = 0
        self.tokens: dict[tuple, int] = {}
        self.wards: dict[int, Ward] = {}
        self.requests: dict[int, Request] = {}
        self.own_requests: set[int] = set()            # created by the traffic, in any run
        self.stays: dict[int, Stay] = {}               # bed id → the patient in it
        self.handoff_discharge: dict[int, datetime] = {}
        self.transport_plan: dict[int, tuple[str, int | None]] = {}  # urgency, cancel at phase
        self.active_patients: set[str] = set()
        self.stats: Counter[str] = Counter()
        self.timeline = Timeline()
        self.occupancy: dict[int, list[float]] = {}
        self.progress: Callable[[float, float], None] | None = None
        self.sample_until: datetime | None = None

    def write_clock(self) -> datetime:
        return datetime.now(UTC) if self.live else self.t

    def wall(self, t: datetime) -> datetime:
        """The wall-clock time of model time `t` (before `origin` the two are the same: the
        history before the traffic started ran at the wall clock's pace)."""
        return t if t <= self.origin else self.origin + (t - self.origin) / self.speed

    def model_time(self, wall: datetime) -> datetime:
        return wall if wall <= self.origin else self.origin + (wall - self.origin) * self.speed

    def schedule(self, key: tuple, at: datetime, action: Callable, *args) -> None:
        """Fire `action(*args)` at model time `at`, replacing any timer pending for `key`."""
        token = self.tokens.get(key, 0) + 1
        self.tokens[key] = token
        self.seq += 1
        heapq.heappush(self.heap, (max(at, self.t), self.seq, key, token, action, args))

    def cancel_timer(self, key: tuple) -> None:
        self.tokens[key] = self.tokens.get(key, 0) + 1

    def next_time(self) -> datetime | None:
        return self.heap[0][0] if self.heap else None

    def step(self) -> None:
        """Fire the earliest timer."""
        at, _, key, token, action, args = heapq.heappop(self.heap)
        if self.tokens.get(key) != token:
            return
        self.t = at
        try:
            action(*args)
        except EXPECTED as error:
            self.stats["skipped"] += 1
            log.debug("traffic step %s skipped: %s", key, error)
            self.resync(key)
        except Exception:
            if not self.live:
                raise
            # Live, the board's traffic must outlive any one step: re-read the entity so it
            # is not left without a next step, and carry on.
            self.stats["errors"] += 1
            log.exception("a synthetic traffic step %s failed; carrying on", key)
            self.resync(key)

    def run_until(self, end: datetime) -> None:
        while self.heap and self.heap[0][0] <= end:
            self.step()
        self.t = end

    def exponential(self, rate_per_minute: float) -> timedelta:
        """An exponential gap (the next event of a Poisson process)."""
        return minutes(self.rng.expovariate(rate_per_minute))

    def total_rate(self) -> float:
        """Routing requests per minute over all wards, on average."""
        return sum(w.rate for w in self.wards.values())

    def call(self, method: Callable, *args, **kwargs) -> dict:
        """One service call; counted."""
        result = method(*args, **kwargs)
        self.stats["calls"] += 1
        return result

    def _read(self, work: Callable[[sa.Connection], object]):
        return read(self.engine, work)

    def free_beds(self, ward_id: int | None = None) -> list[tuple[int, int, bool]]:
        """(ward id, bed id, is isolation room) of the free beds on the traffic's wards."""
        query = sa.select(beds.c.ward_id, beds.c.id, beds.c.is_isolation).where(
            beds.c.state == "free").order_by(beds.c.id)
        query = query.where(beds.c.ward_id == ward_id) if ward_id is not None else query.where(
            beds.c.ward_id.in_(list(self.wards)))
        return [tuple(r) for r in self._read(lambda con: con.execute(query).all())]

    @staticmethod
    def suitable(free: list[tuple[int, int, bool]], needs_isolation: bool) -> list[int]:
        """The beds a patient may take, best first: an isolation room if needed; otherwise the
        ordinary beds, and the isolation rooms only when no ordinary bed is free."""
        rooms = [b for _, b, iso in free if iso]
        return rooms if needs_isolation else ([b for _, b, iso in free if not iso] or rooms)

    def sample(self) -> None:
        """Hourly: each ward's occupied share (for the summary) and the progress callback."""
        self.schedule(("sample",), self.t + SAMPLE_EVERY, self.sample)
        occupied = dict(self._read(lambda con: con.execute(
            sa.select(beds.c.ward_id, sa.func.count()).where(beds.c.state == "occupied")
            .group_by(beds.c.ward_id)).all()))
        for ward in self.wards.values():
            self.occupancy.setdefault(ward.id, []).append(occupied.get(ward.id, 0) / ward.beds)
        if self.progress is not None and self.sample_until is not None:
            self.progress((self.t - self.origin).total_seconds(),
                          (self.sample_until - self.origin).total_seconds())

