"""The load of the situation-centre benchmark (bench_situation.py): a lean HTTP/1.1 client, the
board the simulated staff share, the flows they walk through the HTTP API, and the ledger of
what the clients saw succeed, which `situation_invariants` compares with the database.

The client is a few lines over asyncio streams, one keep-alive connection per simulated client
(and a second for its double submissions), not httpx: the load generator shares the 2 cores with
the server and PostgreSQL, and httpx spends more CPU per request than the server's cheapest
answer does. The report shows what this client costs (CPU ms per request, "client").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

API = "/api/v1/situation"
URGENCIES = (("emergency", 1), ("urgent", 3), ("non_urgent", 6))
SAFETY_NEEDS = ("isolation", "violence_risk", "escort", "stretcher", "oxygen", "monitoring",
                "bariatric")
#: 409 answers that a race explains (the reason's text, from the service's messages): the bed
#: taken meanwhile, the request placed or accepted by the other click, the bed no longer free
#: to block, and a bed being cleaned that a coordinator blocked meanwhile (the board showed it
#: free; block is allowed from cleaning), so its nurse's `cleaned` comes too late.
LOST_RACE = ("is no longer free", "was taken by another placement", "is already placed",
             "cannot accept routing request", "cannot block bed", "cannot cleaned bed")


#: A connection idle this long is opened afresh before a request: uvicorn closes keep-alive
#: connections idle for 5 s, and a request must never be sent into one being closed.
IDLE_SECONDS = 4.0


class Stop(Exception):
    """The phase's request count or time is used up: the client ends its flow."""


class Unexpected(Exception):
    """An answer the flow did not allow for (recorded); the flow is abandoned."""


def raise_any(answers: list) -> None:
    """Raise the first exception among the answers of a `Client.pair`."""
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer


class Http:
    """One keep-alive HTTP/1.1 connection to the server. uvicorn answers every route here with
    a Content-Length; a chunked answer is read too, so nothing is silently cut."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def send(self, method: str, path: str, headers: dict[str, str],
                   body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is not None and (self.reader.at_eof()
                                        or time.monotonic() - self.used > IDLE_SECONDS):
            await self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 *(f"{k}: {v}" for k, v in headers.items())]
        if body is not None:
            lines.append("Content-Type: application/json")
        if body is not None or method == "POST":
            lines.append(f"Content-Length: {len(body or b'')}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, chunked, close = 0, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif name == b"connection":
                close = value == b"close"
        data = await (self._chunks() if chunked else self.reader.readexactly(length))
        self.used = time.monotonic()
        if close:
            await self.close()
        return status, data

    async def _chunks(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(p[:-2] for p in parts)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
            self.reader = self.writer = None


@dataclass
class Phase:
    """One measured phase: its bounds (requests and seconds), its pacing, and every answer as
    (kind, status, seconds from send to answer, seconds the send was behind its schedule,
    reason class)."""

    name: str
    requests: int
    seconds: float
    #: Requests per second over all clients; None: each client sends as soon as it has its
    #: answer (a closed loop, to find the ceiling).
    rate: float | None
    records: list[tuple[str, int, float, float, str]] = field(default_factory=list)
    clients: int = 1
    started: float = 0.0
    ended: float = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()
        self.deadline = self.started + self.seconds
        self.left = self.requests

    def take(self) -> None:
        if self.left <= 0 or time.perf_counter() >= self.deadline:
            raise Stop
        self.left -= 1

    @property
    def wall(self) -> float:
        return self.ended - self.started


@dataclass
class Ledger:
    """What the clients saw succeed: the history events each success implies, the entities
    created, each entity's latest answer, the idempotency keys used, and what the clients
    themselves found wrong (a retry answered differently, a race with two winners)."""

    events: Counter = field(default_factory=Counter)
    created: dict[str, set[int]] = field(default_factory=dict)
    latest: dict[tuple[str, int], dict] = field(default_factory=dict)
    keys: set[tuple[str, str]] = field(default_factory=set)
    wrong: list[str] = field(default_factory=list)

    def saw(self, entity: str, answer: dict, action: str) -> None:
        """A successful change of `entity` whose answer is `answer`, once per action (a
        replayed answer is not a second action)."""
        entity_id = answer["id"]
        if action == "create":
            self.created.setdefault(entity, set()).add(entity_id)
        if entity != "ward":
            self.events[(entity, entity_id, action)] += 1
        if entity == "request" and action == "place":
            self.events[("bed", answer["bed_id"], "occupy")] += 1
        if (entity == "request" and action in ("cancel", "interrupt")
                and answer.get("bed_id") is not None):
            self.events[("bed", answer["bed_id"], "undo_placement")] += 1
        known = self.latest.get((entity, entity_id))
        if known is None or known["version"] < answer["version"]:
            self.latest[(entity, entity_id)] = answer


@dataclass
class Staff:
    """The signed-in users by role (name → Authorization header) and each ward's nurses."""

    tokens: dict[str, str]
    coordinators: list[str]
    ed_nurses: list[str]
    home_care: list[str]
    transport: list[str]
    viewers: list[str]
    nurses: dict[int, list[str]]


@dataclass
class World:
    """What every client shares: the server, the staff, the wards, the board as last read (a
    lagging picture, as on the staff's screens: everyone placing on a ward picks its first free
    bed from it, so clients race for the same beds), the phase and the ledger."""

    host: str
    port: int
    staff: Staff
    wards: list[dict]
    board: dict[int, list[dict]] = field(default_factory=dict)
    phase: Phase | None = None
    ledger: Ledger = field(default_factory=Ledger)
    unexpected: list[str] = field(default_factory=list)
    board_read: float = 0.0

    def read_board(self, wards: list[dict], asked: float) -> None:
        """Take the board `GET /wards` answered to a request sent at `asked` (perf_counter),
        unless a later-sent read has already replaced it."""
        if asked >= self.board_read:
            self.board_read = asked
            self.board = {w["id"]: w["beds"] for w in wards}

    def free_beds(self, ward_id: int, isolation: bool) -> list[dict]:
        """The ward's free beds on the board, lowest label first: isolation rooms for a patient
        who needs one, the other beds otherwise."""
        return [b for b in self.board.get(ward_id, ())
                if b["state"] == "free" and b["is_isolation"] == isolation]

    def best_ward(self, specialty: str, isolation: bool) -> int:
        """The ward of the specialty with the most free beds on the board (the coordinator's
        pick: everyone's pick, so placements on it race)."""
        own = [w for w in self.wards if w["specialty"] == specialty] or self.wards
        return max(own, key=lambda w: (len(self.free_beds(w["id"], isolation)), -w["id"]))["id"]


class Client:
    """One simulated terminal: a seeded random choice of flows, sent at its share of the
    phase's rate (exponential gaps, so the clients together are a Poisson stream) or, without a
    rate, back to back."""

    def __init__(self, world: World, number: int, seed: int):
        self.world, self.number = world, number
        self.rng = random.Random(seed * 1000 + number)
        self.http = [Http(world.host, world.port), Http(world.host, world.port)]
        self.due = 0.0

    # -- sending ---------------------------------------------------------------------------------

    async def slot(self, requests: int = 1) -> float:
        """Take `requests` of the phase's budget (or `Stop`) and wait for this client's next
        send time; returns how many seconds the send is behind its schedule. Requests sent
        together (a double click, a concurrent retry) share one slot."""
        phase = self.world.phase
        for _ in range(requests):
            phase.take()
        if not phase.rate:
            return 0.0
        self.due = max(self.due, phase.started) + self.rng.expovariate(
            phase.rate / phase.clients)
        if self.due >= phase.deadline:  # the phase ends before this client's next send
            raise Stop
        now = time.perf_counter()
        if self.due > now:
            await asyncio.sleep(self.due - now)
            return 0.0
        return now - self.due

    async def send(self, kind: str, method: str, path: str, user: str, body: dict | None,
                   key: str | None, expect: tuple[int, ...], behind: float,
                   second: bool = False) -> tuple[int, dict]:
        """Send one request as `user` (on the second connection if `second`); returns
        (status, answer). An answer outside `expect`, or a 409 that no race explains, is
        recorded and raises `Unexpected`."""
        headers = {"Authorization": self.world.staff.tokens[user]}
        if key is not None:
            headers["Idempotency-Key"] = key
        payload = None if body is None else json.dumps(body).encode()
        sent = time.perf_counter()
        status, data = await self.http[1 if second else 0].send(method, API + path, headers,
                                                                 payload)
        elapsed = time.perf_counter() - sent
        answer = json.loads(data) if data else {}
        reason = ""
        if status == 409:
            detail = str(answer.get("detail", ""))
            reason = "lost race" if any(t in detail for t in LOST_RACE) else "other 409"
        self.world.phase.records.append((kind, status, elapsed, behind, reason))
        if status not in expect or reason == "other 409":
            self.world.unexpected.append(f"{kind}: {method} {path} as {user} → {status} "
                                         f"{str(answer)[:200]}")
            raise Unexpected
        return status, answer

    async def call(self, kind: str, method: str, path: str, user: str,
                   body: dict | None = None, key: str | None = None,
                   expect: tuple[int, ...] = (200,)) -> tuple[int, dict]:
        """One request in this client's next slot."""
        behind = await self.slot()
        return await self.send(kind, method, path, user, body, key, expect, behind)

    async def pair(self, first: tuple, second: tuple) -> list:
        """Two requests sent at the same moment on the two connections, each given as (kind,
        method, path, user, body, key, expect). Returns both answers, or in its place the
        exception a send raised: the caller records the successes before raising it."""
        behind = await self.slot(2)
        return await asyncio.gather(self.send(*first, behind),
                                    self.send(*second, behind, second=True),
                                    return_exceptions=True)

    async def write(self, kind: str, path: str, user: str, body: dict | None, entity: str,
                    action: str, *, retry: float = 0.0, expect: tuple[int, ...] = (200,)
                    ) -> tuple[int, dict]:
        """A POST whose success is recorded in the ledger. With probability `retry` it carries
        an Idempotency-Key and is sent again with it — half the time at once on the second
        connection (a concurrent retry), half after a successful answer — and two successful
        answers must be the same."""
        ledger = self.world.ledger
        if self.rng.random() >= retry:
            status, answer = await self.call(kind, "POST", path, user, body, expect=expect)
            if status < 300:
                ledger.saw(entity, answer, action)
            return status, answer
        key = f"bench-{uuid.uuid4().hex}"
        if self.rng.random() < 0.5:
            answers = await self.pair((kind, "POST", path, user, body, key, expect),
                                      (f"{kind} (retry)", "POST", path, user, body, key, expect))
            # A concurrent retry waits for the first call; if that was refused, the retry is
            # a new call and may succeed (the bed it lost may be free by then).
            done = [a for a in answers if not isinstance(a, BaseException) and a[0] < 300]
            if done:
                ledger.saw(entity, done[0][1], action)
                ledger.keys.add((user, key))
            if len(done) == 2 and done[0] != done[1]:
                ledger.wrong.append(f"{kind} sent twice at once with key {key}: {done[0]}, "
                                    f"then {done[1]}")
            raise_any(answers)
            return done[0] if done else answers[0]
        status, answer = await self.call(kind, "POST", path, user, body, key, expect)
        if status >= 300:  # a refused call stores nothing, not even its key
            return status, answer
        ledger.saw(entity, answer, action)
        ledger.keys.add((user, key))
        again = await self.call(f"{kind} (retry)", "POST", path, user, body, key, expect)
        if again != (status, answer):
            ledger.wrong.append(f"{kind} retried with key {key}: {status} {answer}, then "
                                f"{again[0]} {again[1]}")
        return status, answer

    async def board(self, kind: str = "GET /wards") -> None:
        asked = time.perf_counter()
        _, wards = await self.call(kind, "GET", "/wards", self.pick(self.world.staff.viewers))
        self.world.read_board(wards, asked)

    def pick(self, names: list[str]) -> str:
        return names[self.rng.randrange(len(names))]

    # -- the flows -------------------------------------------------------------------------------

    async def run(self, flows: list[tuple[float, Callable[[Client], Awaitable[None]]]]) -> None:
        weights = [w for w, _ in flows]
        while True:
            flow = self.rng.choices([f for _, f in flows], weights)[0]
            try:
                await flow(self)
            except Stop:
                return
            except Unexpected:
                continue

    async def close(self) -> None:
        for http in self.http:
            await http.close()


async def routing(c: Client) -> None:
    """An ED patient: created (sometimes retried), offered to the best ward (declined or
    re-offered at times), accepted (at times by two nurses at once), placed in the first free
    bed of the board (racing), then departed, the bed vacated and cleaned; a few are cancelled
    by their ED nurse or interrupted by the coordinator."""
    w, rng, staff = c.world, c.rng, c.world.staff
    ed = c.pick(staff.ed_nurses)
    specialty = w.wards[rng.randrange(len(w.wards))]["specialty"]
    isolation = rng.random() < 0.1
    urgency = rng.choices([u for u, _ in URGENCIES], [n for _, n in URGENCIES])[0]
    _, req = await c.write("create request", "/requests", ed, dict(
        specialty=specialty, urgency=urgency, needs_isolation=isolation,
        patient_ref=f"bench-{c.number}-{rng.randrange(10**9)}"), "request", "create",
        retry=0.15, expect=(201,))
    rid = req["id"]
    if rng.random() < 0.04:
        await c.write("cancel", f"/requests/{rid}/cancel", ed, {"reason": "went home"},
                      "request", "cancel")
        return
    coordinator = c.pick(staff.coordinators)
    for _ in range(3):
        ward = w.best_ward(specialty, isolation)
        await c.write("offer", f"/requests/{rid}/offer", coordinator, {"ward_id": ward},
                      "request", "offer", retry=0.05)
        nurses = staff.nurses[ward]
        if rng.random() < 0.15:
            await c.write("decline", f"/requests/{rid}/decline", c.pick(nurses),
                          {"reason": "no staff for a new patient"}, "request", "decline")
            continue
        if rng.random() < 0.1:
            await accept_twice(c, rid, nurses)
        else:
            await c.write("accept", f"/requests/{rid}/accept", c.pick(nurses), None,
                          "request", "accept")
        break
    else:
        await c.write("interrupt", f"/requests/{rid}/interrupt", coordinator,
                      {"reason": "no ward accepted"}, "request", "interrupt")
        return
    bed = await place(c, rid, ward, isolation, c.pick(nurses))
    if bed is None:
        await c.write("interrupt", f"/requests/{rid}/interrupt", coordinator,
                      {"reason": "no free bed"}, "request", "interrupt")
        return
    if rng.random() < 0.03:
        await c.write("interrupt", f"/requests/{rid}/interrupt", coordinator,
                      {"reason": "sent to another hospital"}, "request", "interrupt")
        return
    departer = ed if rng.random() < 0.7 else c.pick(nurses)
    await c.write("depart", f"/requests/{rid}/depart", departer, None, "request", "depart",
                  retry=0.05)
    nurse = c.pick(nurses)
    await c.write("vacate", f"/beds/{bed}/vacate", nurse, None, "bed", "vacate")
    await c.write("cleaned", f"/beds/{bed}/cleaned", nurse, None, "bed", "cleaned",
                  expect=(200, 409))


async def accept_twice(c: Client, rid: int, nurses: list[str]) -> None:
    """Two nurses of the ward press accept at the same moment: exactly one may win."""
    path = f"/requests/{rid}/accept"
    answers = await c.pair(("accept", "POST", path, nurses[0], None, None, (200, 409)),
                           ("accept (twin)", "POST", path, nurses[-1], None, None, (200, 409)))
    won = [a[1] for a in answers if not isinstance(a, BaseException) and a[0] == 200]
    for answer in won:
        c.world.ledger.saw("request", answer, "accept")
    raise_any(answers)
    if len(won) != 1:
        c.world.ledger.wrong.append(f"request {rid}: {len(won)} of two racing accepts won")


async def place(c: Client, rid: int, ward: int, isolation: bool, nurse: str) -> int | None:
    """Place the request in the first free bed on the board; a lost race (409) reads the board
    again and tries the next. Now and then the nurse double-clicks two beds at once (no key):
    exactly one placement may win. Returns the bed, or None when the ward has no free bed."""
    tried: set[int] = set()
    for attempt in range(6):
        free = [b["id"] for b in c.world.free_beds(ward, isolation) if b["id"] not in tried]
        if not free:
            if attempt:
                return None
            await c.board("GET /wards (no free bed)")
            continue
        bed = free[0]
        tried.add(bed)
        path = f"/requests/{rid}/place"
        if len(free) > 1 and c.rng.random() < 0.05:
            other = free[1]
            tried.add(other)
            answers = await c.pair(
                ("place", "POST", path, nurse, {"bed_id": bed}, None, (200, 409)),
                ("place (twin)", "POST", path, nurse, {"bed_id": other}, None, (200, 409)))
            won = [a[1] for a in answers if not isinstance(a, BaseException) and a[0] == 200]
            for answer in won:
                c.world.ledger.saw("request", answer, "place")
            raise_any(answers)
            if len(won) > 1:
                c.world.ledger.wrong.append(f"request {rid} placed by both of two clicks")
            if won:
                return won[0]["bed_id"]
        else:
            status, answer = await c.write("place", path, nurse, {"bed_id": bed}, "request",
                                           "place", retry=0.1, expect=(200, 409))
            if status == 200:
                return bed
        await c.board("GET /wards (lost race)")
    return None


async def handoff(c: Client) -> None:
    """A ward hands a discharged patient to home care: created, acknowledged, completed (a few
    cancelled by the ward or the home-care team)."""
    w, rng = c.world, c.rng
    ward = w.wards[rng.randrange(len(w.wards))]
    nurse = c.pick(w.staff.nurses[ward["id"]])
    _, h = await c.write("create handoff", "/handoffs", nurse, dict(
        ward_id=ward["id"], home_care_team=f"HC{rng.randrange(4)}",
        patient_ref=f"bench-{rng.randrange(10**9)}"), "handoff", "create", retry=0.1,
        expect=(201,))
    home = c.pick(w.staff.home_care)
    for action, who in (("acknowledge", home), ("complete", home)):
        if rng.random() < 0.05:
            await c.write("handoff cancel", f"/handoffs/{h['id']}/cancel",
                          rng.choice((nurse, home)), {"reason": "stays on the ward"},
                          "handoff", "cancel")
            return
        await c.write(f"handoff {action}", f"/handoffs/{h['id']}/{action}", who, None,
                      "handoff", action, retry=0.05)


async def transport(c: Client) -> None:
    """An ambulance transport ordered by the ED, a ward or the transport coordinator and taken
    through its phases (a few cancelled)."""
    w, rng, staff = c.world, c.rng, c.world.staff
    who = c.pick(staff.ed_nurses + staff.transport + [n for ns in staff.nurses.values()
                                                      for n in ns])
    needs = sorted(rng.sample(SAFETY_NEEDS, rng.choice((0, 0, 1, 2))))
    ward = w.wards[rng.randrange(len(w.wards))]
    _, t = await c.write("order transport", "/transports", who, dict(
        urgency_class=rng.choice(("urgent", "non_urgent")), origin="ED",
        destination=ward["code"], safety_needs=needs), "transport", "create", retry=0.1,
        expect=(201,))
    coordinator = c.pick(staff.transport)
    for action in ("accept", "depart", "pick_up", "deliver"):
        if rng.random() < 0.02:
            await c.write("transport cancel", f"/transports/{t['id']}/cancel", coordinator,
                          {"reason": "no longer needed"}, "transport", "cancel")
            return
        await c.write(f"transport {action}", f"/transports/{t['id']}/{action}", coordinator,
                      None, "transport", action, retry=0.05)


async def board(c: Client) -> None:
    """A viewer's board: the wards, the open requests, at times one request and its audit."""
    await c.board()
    _, waiting = await c.call("GET /requests", "GET", "/requests", c.pick(c.world.staff.viewers))
    if waiting and c.rng.random() < 0.3:
        rid = waiting[c.rng.randrange(len(waiting))]["id"]
        viewer = c.pick(c.world.staff.viewers)
        await c.call("GET /requests/{id}", "GET", f"/requests/{rid}", viewer)
        if c.rng.random() < 0.3:
            await c.call("GET /requests/{id}/audit", "GET", f"/requests/{rid}/audit", viewer)


async def maintenance(c: Client) -> None:
    """The coordinator blocks a free bed for repair and unblocks it; a bed taken meanwhile is
    a lost race (409)."""
    w = c.world
    ward = w.wards[c.rng.randrange(len(w.wards))]["id"]
    free = w.free_beds(ward, False)
    if not free:
        return
    bed = free[c.rng.randrange(len(free))]["id"]
    coordinator = c.pick(w.staff.coordinators)
    status, _ = await c.write("block", f"/beds/{bed}/block", coordinator, {"reason": "repair"},
                              "bed", "block", expect=(200, 409))
    if status == 200:
        await c.write("unblock", f"/beds/{bed}/unblock", coordinator, None, "bed", "unblock")


async def baseline(c: Client) -> None:
    """The baseline: one ward by id, the cheapest signed-in read that reaches PostgreSQL."""
    ward = c.world.wards[c.rng.randrange(len(c.world.wards))]["id"]
    await c.call("GET /wards/{id}", "GET", f"/wards/{ward}", c.pick(c.world.staff.viewers))


#: The mixed traffic: (weight, flow). A routing flow sends about ten requests, a transport
#: five, a hand-off three, a board read two or three.
MIX = [(0.42, routing), (0.15, transport), (0.12, handoff), (0.28, board), (0.03, maintenance)]
BASELINE = [(1.0, baseline)]


async def run_phase(world: World, clients: list[Client], phase: Phase, flows) -> Phase:
    """Every client walks `flows` until the phase's count or time is used up."""
    phase.clients = len(clients)
    world.phase = phase
    for client in clients:
        client.due = 0.0
    phase.start()
    await asyncio.gather(*(client.run(flows) for client in clients))
    phase.ended = time.perf_counter()
    return phase
