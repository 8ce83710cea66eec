"""The situation centre's JSON API, /api/v1/situation: the board's readers and one POST per
action of `SituationCentre`, acting as the signed-in user (a bearer token from
POST /api/v1/token; the user name is the audit log's actor).

What each role may do is decided in `web.roles` (`SITUATION_RIGHTS`); a refusal is a 403 and is
written to the county's audit log (`situation_refused`, read by administrators at /audit), as the
dashboard's other refusals are: the situation centre's own audit log holds the changes only.
Errors: `IllegalTransition`, `Conflict` and `IdempotencyKeyReused` are 409, `NotFound` 404 and
`Invalid` 422, each with the reason in `detail`. Every POST takes an optional `Idempotency-Key`
header: a retry with the same key (and the same request) returns the first answer and changes
nothing. See docs/situation.md, "The HTTP API" and "Roles".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Annotated, Any, Literal, NoReturn, TypeVar

import sqlalchemy as sa
from fastapi import (
    APIRouter,
    Body,
    Depends,
    Header,
    HTTPException,
    Path,
    Request,
    Response,
    Security,
)
from pydantic import BaseModel, Field

from ..privacy.audit import record
from ..web.accounts import User
from ..web.api import BEARER, Problem
from ..web.auth import api_user_async
from ..web.roles import OWN_REQUESTS, OWN_WARDS, NotEntitled, situation_check, situation_reach
from . import states
from .base import Wards
from .database import read
from .errors import Conflict, ForeignWard, IllegalTransition, Invalid, NotFound
from .occupancy import ward_figures
from .service import SituationCentre
from .tables import beds, placements, routing_requests, utcnow, wards
from .txn import jsonable

T = TypeVar("T")
Entity = dict[str, Any]

router = APIRouter(prefix="/api/v1/situation", tags=["situation centre"])


class ValidationProblem(BaseModel):
    """A request the service cannot take as given: the reason (a domain check) or the list of
    malformed fields (FastAPI's validation)."""

    detail: str | list[dict[str, Any]]


_MEANING = {400: "The request body is not valid JSON.",
            401: "Not signed in: no token, or an unknown or expired one.",
            403: "The role is not entitled to this (refusals are audited).",
            404: "No such ward, bed, request, hand-off or transport.",
            409: "An illegal transition, a lost race or a reused idempotency key; `detail` "
                 "says which and why.",
            422: "Invalid input: `detail` says what to correct."}


def _responses(*codes: int) -> dict[int | str, dict]:
    return {code: {"model": ValidationProblem if code == 422 else Problem,
                   "description": _MEANING[code]} for code in codes}


READ = _responses(401, 403, 404, 422)
WRITE = _responses(400, 401, 403, 404, 409, 422)

Key = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200,
                                   description="Makes a retry safe: the same key (per user) "
                                               "with the same request returns the first "
                                               "answer and changes nothing.")]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
EntityName = Literal["wards", "beds", "requests", "handoffs", "transports"]
SINGULAR = {"wards": "ward", "beds": "bed", "requests": "request", "handoffs": "handoff",
            "transports": "transport"}


# -- bodies ---------------------------------------------------------------------------------------

class WardIn(BaseModel):
    code: str
    name: str
    specialty: str = Field(description="A code of codes/specialty.csv.")
    capacity: int = Field(ge=0, le=10_000)
    isolation_rooms: int = Field(0, ge=0, le=10_000)


class BedIn(BaseModel):
    label: str
    is_isolation: bool = False


class BedActionIn(BaseModel):
    reason: str | None = None
    request_id: int | None = Field(None, description="reserve: the request the bed is held for")


class RequestIn(BaseModel):
    specialty: str = Field(description="A code of codes/specialty.csv.")
    urgency: Literal["emergency", "urgent", "non_urgent"]
    needs_isolation: bool = False
    patient_ref: str | None = Field(None, max_length=80,
                                    description="A pseudonym, never an identity code.")
    note: str | None = None


class OfferIn(BaseModel):
    ward_id: int


class PlaceIn(BaseModel):
    bed_id: int


class ReasonIn(BaseModel):
    reason: str | None = Field(None, description="Needed to decline, withdraw, cancel, "
                                                 "interrupt or block.")


class HandoffIn(BaseModel):
    ward_id: int
    home_care_team: str
    patient_ref: str | None = Field(None, max_length=80)
    request_id: int | None = None
    planned_discharge_at: datetime | None = Field(None, description="With a time zone.")
    note: str | None = None


class TransportIn(BaseModel):
    urgency_class: Literal["urgent", "non_urgent"]
    origin: str
    destination: str
    safety_needs: list[Literal[states.SAFETY_NEEDS]] = []  # type: ignore[valid-type]
    patient_ref: str | None = Field(None, max_length=80)
    request_id: int | None = None
    handoff_id: int | None = None
    note: str | None = None


# -- the shared parts -----------------------------------------------------------------------------

async def _signed_in(request: Request,
                     bearer: Annotated[str | None, Security(BEARER)]) -> User:
    """The signed-in user (401 without one), as the rest of the API's, but as an `async`
    dependency: a recently checked token is answered on the event loop, saving every call a
    hop to a worker thread (the endpoints themselves still run in one)."""
    return await api_user_async(request)


SignedIn = Annotated[User, Depends(_signed_in)]


def _centre(request: Request) -> SituationCentre:
    return request.app.state.situation


def _answer(data: Any, status: int = 200) -> Response:
    """`data` (JSON-ready: `jsonable`) as the answer, serialised once by the standard library
    as FastAPI's JSONResponse would. Returned as a Response, FastAPI sends it as it is: left to
    FastAPI, the dict would first be validated against the declared model (a dict of anything)
    and serialised through pydantic, which cost more than the whole transaction of a call. The
    routes declare their model (`response_model`) for the OpenAPI document all the same."""
    return Response(json.dumps(data, ensure_ascii=False, allow_nan=False,
                               separators=(",", ":")).encode(), status,
                    media_type="application/json")


def _run(call: Callable[[], T]) -> T:
    """The service's answer, or its error as the HTTP answer."""
    try:
        return call()
    except (IllegalTransition, Conflict) as error:
        raise HTTPException(409, str(error)) from None
    except NotFound as error:
        raise HTTPException(404, str(error)) from None
    except Invalid as error:
        raise HTTPException(422, str(error)) from None


def _refuse(request: Request, user: User, action: str, about: dict | None, channel: str,
            refusal: NotEntitled) -> NoReturn:
    """Audit a refusal in the county's audit log and answer 403 with its reason."""
    con = request.app.state.figures.cursor()
    try:
        record(con, "situation_refused", {"action": action, **(about or {}),
                                          "channel": channel, "reason": str(refusal)},
               0, user.user_name)
    finally:
        con.close()
    raise HTTPException(403, str(refusal)) from None


def own_wards(centre: SituationCentre, units: Collection[str]) -> frozenset[int]:
    """The ids of the wards named by a user's units (ward ids or codes)."""
    return centre.ward_ids(units)


def act(request: Request, user: User, action: str, call: Callable[[Wards], T], *,
        request_id: int | None = None, about: dict | None = None, channel: str = "api") -> T:
    """Run `call(wards)` as `user` if the role may take `action`, else 403 with a
    `situation_refused` entry in the county audit log. For a right over own wards, `wards` is
    the ids of the user's wards and the service checks the entity's ward inside the
    transaction (`ForeignWard`), under the lock of the row naming it: a request re-offered to
    another ward between the check and the write cannot slip through. For a right over own
    requests, the creator of `request_id` must be the user. The board's forms use this too
    (`channel="page"`)."""
    centre = _centre(request)
    try:
        reach = situation_reach(user.role, action)
        if reach == OWN_REQUESTS and request_id is not None:
            owner = _run(lambda: centre.creator(request_id))
            situation_check(user.role, action, user.units, user.user_name, owner=owner)
        allowed = own_wards(centre, user.units) if reach == OWN_WARDS else None
    except NotEntitled as refusal:
        _refuse(request, user, action, about, channel, refusal)
    try:
        return _run(lambda: call(allowed))
    except ForeignWard as foreign:
        ward = None if foreign.ward_id is None else (foreign.ward_id, foreign.ward_code or "?")
        try:
            situation_check(user.role, action, user.units, user.user_name, ward=ward)
        except NotEntitled as refusal:
            _refuse(request, user, action, about, channel, refusal)
        raise  # unreachable: a ward outside the user's own is always refused above


# -- reading --------------------------------------------------------------------------------------

@router.get("/wards", responses=READ, response_model=list[Entity])
def list_wards(request: Request, user: SignedIn) -> Response:
    """Every ward with its beds, the number of beds in each state, the load (occupied and
    reserved beds, percent of the ward's beds) and its isolation rooms: built, occupied
    (`isolation_patients`) and free (`occupancy.ward_figures`, as on the board)."""
    act(request, user, "read", lambda wards: None)

    def work(con: sa.Connection) -> list[Entity]:
        all_beds = [dict(r) for r in con.execute(
            sa.select(beds).order_by(beds.c.ward_id, beds.c.label)).mappings()]
        return jsonable([ward_figures(dict(ward), [b for b in all_beds
                                                   if b["ward_id"] == ward["id"]])
                         for ward in con.execute(sa.select(wards).order_by(wards.c.code))
                         .mappings()])

    return _answer(read(_centre(request).engine, work))


@router.get("/requests", responses=READ, response_model=list[Entity])
def open_requests(request: Request, user: SignedIn) -> Response:
    """The routing requests not yet ended (open, offered, accepted, placed), the longest
    waiting first, with `waited_minutes` since creation and `in_state_minutes` in the current
    state."""
    act(request, user, "read", lambda wards: None)
    now = utcnow()

    def work(con: sa.Connection) -> list[Entity]:
        rows = con.execute(
            sa.select(routing_requests, placements.c.bed_id).outerjoin(
                placements, placements.c.request_id == routing_requests.c.id)
            .where(routing_requests.c.state.not_in(sorted(states.REQUEST.final)))
            .order_by(routing_requests.c.created_at, routing_requests.c.id)).mappings().all()
        return jsonable([{**dict(r),
                          "waited_minutes": round((now - r["created_at"]).total_seconds() / 60, 1),
                          "in_state_minutes": round(
                              (now - r["state_since"]).total_seconds() / 60, 1)}
                         for r in rows])

    return _answer(read(_centre(request).engine, work))


@router.get("/{entity}/{entity_id}", responses=READ, response_model=Entity)
def get_entity(request: Request, user: SignedIn, entity: EntityName, entity_id: Id) -> Response:
    """One ward, bed, routing request (with its bed), hand-off or transport."""
    act(request, user, "read", lambda wards: None)
    return _answer(_run(lambda: _centre(request).get(SINGULAR[entity], entity_id)))


@router.get("/{entity}/{entity_id}/audit", responses=READ, response_model=list[Entity])
def entity_audit(request: Request, user: SignedIn, entity: EntityName,
                 entity_id: Id) -> Response:
    """The audit rows of one entity, oldest first: when, who (`actor`), action, before, after
    and the idempotency key."""
    act(request, user, "read", lambda wards: None)
    _run(lambda: _centre(request).get(SINGULAR[entity], entity_id))
    return _answer(_centre(request).audit(SINGULAR[entity], entity_id))


# -- wards and beds -------------------------------------------------------------------------------

@router.post("/wards", status_code=201, responses=WRITE, response_model=Entity)
def create_ward(request: Request, user: SignedIn, body: WardIn, key: Key = None) -> Response:
    """A new ward (situation-centre coordinators)."""
    return _answer(act(request, user, "create_ward", lambda wards: _centre(request).create_ward(
        user.user_name, body.code, body.name, body.specialty, body.capacity,
        body.isolation_rooms, key=key)), 201)


@router.post("/wards/{ward_id}/beds", status_code=201, responses=WRITE,
             response_model=Entity)
def create_bed(request: Request, user: SignedIn, ward_id: Id, body: BedIn,
               key: Key = None) -> Response:
    """A new bed on the ward (situation-centre coordinators), within its capacity."""
    return _answer(act(request, user, "create_bed", lambda wards: _centre(request).create_bed(
        user.user_name, ward_id, body.label, body.is_isolation, key=key),
        about={"ward_id": ward_id}), 201)


@router.post("/beds/{bed_id}/{action}", responses=WRITE, response_model=Entity)
def bed_action(request: Request, user: SignedIn, bed_id: Id,
               action: Literal["reserve", "release", "block", "unblock", "vacate", "cleaned"],
               body: Annotated[BedActionIn | None, Body()] = None, key: Key = None) -> Response:
    """Change a bed's state (ward nurses of its ward, coordinators); block needs a reason."""
    body = body or BedActionIn()
    return _answer(act(request, user, "bed_action", lambda wards: _centre(request).bed_action(
        user.user_name, bed_id, action, body.reason, body.request_id, key=key, wards=wards),
        about={"bed_id": bed_id, "bed_action": action}))


# -- routing requests -----------------------------------------------------------------------------

@router.post("/requests", status_code=201, responses=WRITE, response_model=Entity)
def create_request(request: Request, user: SignedIn, body: RequestIn,
                   key: Key = None) -> Response:
    """A routing request from the ED (ED nurses, coordinators)."""
    centre = _centre(request)
    return _answer(act(request, user, "create_request", lambda wards: centre.create_request(
        user.user_name, body.specialty, body.urgency, body.needs_isolation, body.patient_ref,
        body.note, key=key)), 201)


@router.post("/requests/{request_id}/offer", responses=WRITE, response_model=Entity)
def offer(request: Request, user: SignedIn, request_id: Id, body: OfferIn,
          key: Key = None) -> Response:
    """Offer an open request to a ward (coordinators)."""
    return _answer(act(request, user, "offer", lambda wards: _centre(request).offer(
        user.user_name, request_id, body.ward_id, key=key), about={"request_id": request_id}))


@router.post("/requests/{request_id}/place", responses=WRITE, response_model=Entity)
def place(request: Request, user: SignedIn, request_id: Id, body: PlaceIn,
          key: Key = None) -> Response:
    """Place an accepted request in a bed of its ward (ward nurses of that ward,
    coordinators)."""
    return _answer(act(request, user, "place", lambda wards: _centre(request).place(
        user.user_name, request_id, body.bed_id, key=key, wards=wards),
        about={"request_id": request_id, "bed_id": body.bed_id}))


@router.post("/requests/{request_id}/{action}", responses=WRITE, response_model=Entity)
def request_action(request: Request, user: SignedIn, request_id: Id,
                   action: Literal["accept", "decline", "withdraw", "depart", "cancel",
                                   "interrupt"],
                   body: Annotated[ReasonIn | None, Body()] = None, key: Key = None) -> Response:
    """accept or decline (with a reason) an offer (ward nurses of the offered ward); withdraw
    (coordinators); depart (ED nurses, ward nurses of the ward, coordinators); cancel (the ED
    nurse who created it, coordinators) and interrupt (coordinators), both with a reason."""
    reason = (body or ReasonIn()).reason
    method = getattr(_centre(request), action)

    def call(wards: Wards) -> Entity:
        if action in ("accept", "depart"):
            return method(user.user_name, request_id, key=key, wards=wards)
        return method(user.user_name, request_id, reason, key=key, wards=wards)

    return _answer(act(request, user, action, call, request_id=request_id,
                       about={"request_id": request_id}))


# -- hand-offs and transports ---------------------------------------------------------------------

@router.post("/handoffs", status_code=201, responses=WRITE, response_model=Entity)
def create_handoff(request: Request, user: SignedIn, body: HandoffIn,
                   key: Key = None) -> Response:
    """A discharged patient handed to a home-care team (ward nurses of the ward,
    coordinators)."""
    if body.planned_discharge_at is not None and body.planned_discharge_at.tzinfo is None:
        raise HTTPException(422, "planned_discharge_at needs a time zone (e.g. +02:00 or Z)")
    centre = _centre(request)
    return _answer(act(request, user, "create_handoff", lambda wards: centre.create_handoff(
        user.user_name, body.ward_id, body.home_care_team, body.patient_ref, body.request_id,
        body.planned_discharge_at, body.note, key=key, wards=wards),
        about={"ward_id": body.ward_id}), 201)


@router.post("/handoffs/{handoff_id}/{action}", responses=WRITE, response_model=Entity)
def handoff_action(request: Request, user: SignedIn, handoff_id: Id,
                   action: Literal["acknowledge", "complete", "cancel"],
                   body: Annotated[ReasonIn | None, Body()] = None, key: Key = None) -> Response:
    """acknowledge or complete (home-care coordinators, coordinators); cancel with a reason
    (also ward nurses of the hand-off's ward)."""
    centre = _centre(request)
    return _answer(act(request, user, f"handoff_{action}", lambda wards: centre.handoff_action(
        user.user_name, handoff_id, action, (body or ReasonIn()).reason, key=key, wards=wards),
        about={"handoff_id": handoff_id}))


@router.post("/transports", status_code=201, responses=WRITE, response_model=Entity)
def order_transport(request: Request, user: SignedIn, body: TransportIn,
                    key: Key = None) -> Response:
    """An ambulance transport order (ED and ward nurses, transport coordinators,
    coordinators)."""
    centre = _centre(request)
    return _answer(act(request, user, "order_transport", lambda wards: centre.order_transport(
        user.user_name, body.urgency_class, body.origin, body.destination, body.safety_needs,
        body.patient_ref, body.request_id, body.handoff_id, body.note, key=key)), 201)


@router.post("/transports/{transport_id}/{action}", responses=WRITE, response_model=Entity)
def transport_action(request: Request, user: SignedIn, transport_id: Id,
                     action: Literal["accept", "depart", "pick_up", "deliver", "cancel"],
                     body: Annotated[ReasonIn | None, Body()] = None,
                     key: Key = None) -> Response:
    """A transport's next phase, or cancel with a reason (transport coordinators,
    coordinators)."""
    return _answer(act(request, user, f"transport_{action}", lambda wards: _centre(
        request).transport_action(user.user_name, transport_id, action,
                                  (body or ReasonIn()).reason, key=key),
        about={"transport_id": transport_id}))
