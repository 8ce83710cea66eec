"""The situation board's forms: one POST route per action, mirroring the API's paths under
/situation instead of /api/v1/situation. Each acts through `situation.api.act` (channel
"page"): the same role check as the API, a ward nurse's own wards passed to the service and
checked inside its transaction, refusals audited.

Every form carries an idempotency key in a hidden field, made when the form was rendered
(`board_view.row_key`, `board_view.new_key`): a form sent twice acts once. After the action the
browser is sent back to the board (303, to the changed row) with a message in the user's
language: done, or why not — 409 (the state changed meanwhile, or the action is not allowed
now), 404 (no such item) or 422 (check the form), with the service's reason. A refusal (the role
may not, or the request went to another ward meanwhile) answers 403 with the board and the
reason (a role that may not read the board gets the refusal page), and is in the audit log.

Free text is never a place for an identity code: the service refuses a patient pseudonym shaped
like a personal identity code (422) and redacts identity-code-shaped text in notes, reasons and
places (`situation.base.pseudonym`, `free_text`), for the board and the API alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ..errors import TilannekuvaError
from ..situation import SituationCentre
from ..situation.api import act
from ..situation.base import Wards
from .accounts import User
from .board import (
    HELSINKI,
    MESSAGE_COOKIE,
    encode_message,
    reads_situation,
    refused_page,
    render_board,
)
from .pages import PageUser, translator_of

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
#: The longest detail kept in the message cookie (a cookie holds about 4 kB).
DETAIL_LIMIT = 600
REQUEST_ACTIONS = ("accept", "decline", "withdraw", "depart", "cancel", "interrupt")
BED_ACTIONS = ("reserve", "release", "block", "unblock", "vacate", "cleaned")
HANDOFF_ACTIONS = ("acknowledge", "complete", "cancel")
TRANSPORT_ACTIONS = ("accept", "depart", "pick_up", "deliver", "cancel")


class FormProblem(TilannekuvaError):
    """A field of a board form that cannot be sent to the service as it is (422)."""


def number(value: str, field: str, required: bool = True) -> int | None:
    value = value.strip()
    if not value and not required:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise FormProblem(f"{field} must be a whole number")
    return int(value)


def idempotency_key(value: str) -> str | None:
    value = value.strip()
    if len(value) > 200:
        raise FormProblem("the form's key is too long; reload the board")
    return value or None


def _entity_id(value: str) -> int:
    """The id in a form's path; 404 for anything else (only a hand-made URL has one)."""
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise HTTPException(404, f"No item {value!r}.")
    return int(value)


def _back(request: Request, message: dict, anchor: str = "") -> Response:
    response = RedirectResponse("/situation" + (f"#{anchor}" if anchor else ""),
                                status_code=303)
    response.set_cookie(MESSAGE_COOKIE, encode_message(message), max_age=120, path="/situation",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


def perform(request: Request, user: User, action: str, label: str,
            call: Callable[[Wards], dict], describe: Callable[[dict], tuple[str, str]], *,
            about: dict | None = None, request_id: int | None = None) -> Response:
    """Run the action through `act` and answer for the page. `label` is the action's button
    text; `describe(result)` gives the changed item's words and its row's id."""
    t = translator_of(request)
    try:
        result = act(request, user, action, call, request_id=request_id, about=about,
                     channel="page")
    except FormProblem as problem:
        return _back(request, {"kind": "error", "text": t("board.error.422"),
                               "detail": str(problem)})
    except HTTPException as error:
        detail = str(error.detail)[:DETAIL_LIMIT]
        if error.status_code == 403:
            if not reads_situation(user.role):  # a role outside the situation centre
                return refused_page(request, user)
            return render_board(request, user, status=403, message={
                "kind": "error", "text": t("board.error.403"), "detail": detail})
        # `act` answers 404, 409 or 422 besides 403 (situation/api.py, `_run`).
        return _back(request, {"kind": "error", "text": t(f"board.error.{error.status_code}"),
                               "detail": detail})
    what, anchor = describe(result)
    return _back(request, {"kind": "done", "text": t("board.done", action=label, what=what)},
                 anchor)


def _request_words(request: Request) -> Callable[[dict], tuple[str, str]]:
    t = translator_of(request)
    return lambda row: (t("board.what.request", id=row["id"]), f"request-{row['id']}")


def _centre(request: Request) -> SituationCentre:
    return request.app.state.situation


# -- routing requests -----------------------------------------------------------------------------

@router.post("/situation/requests")
def create_request(request: Request, user: PageUser, specialty: Text = "", urgency: Text = "",
                   needs_isolation: Text = "", patient_ref: Text = "", note: Text = "",
                   key: Text = "") -> Response:
    t = translator_of(request)

    def call(wards: Wards) -> dict:
        return _centre(request).create_request(
            user.user_name, specialty, urgency, bool(needs_isolation), patient_ref,
            note, key=idempotency_key(key))

    return perform(request, user, "create_request", t("board.do.request.create"), call,
                   _request_words(request))


@router.post("/situation/requests/{request_id}/offer")
def offer(request: Request, user: PageUser, request_id: str, ward_id: Text = "",
          key: Text = "") -> Response:
    rid = _entity_id(request_id)
    t = translator_of(request)
    return perform(request, user, "offer", t("board.do.request.offer"),
                   lambda wards: _centre(request).offer(
                       user.user_name, rid, number(ward_id, "the ward"),
                       key=idempotency_key(key)),
                   _request_words(request), about={"request_id": rid})


@router.post("/situation/requests/{request_id}/place")
def place(request: Request, user: PageUser, request_id: str, bed_id: Text = "",
          key: Text = "") -> Response:
    rid = _entity_id(request_id)
    t = translator_of(request)
    return perform(request, user, "place", t("board.do.request.place"),
                   lambda wards: _centre(request).place(
                       user.user_name, rid, number(bed_id, "the bed"),
                       key=idempotency_key(key), wards=wards),
                   _request_words(request), about={"request_id": rid, "bed_id": bed_id})


@router.post("/situation/requests/{request_id}/{action}")
def request_action(request: Request, user: PageUser, request_id: str, action: str,
                   reason: Text = "", key: Text = "") -> Response:
    if action not in REQUEST_ACTIONS:
        raise HTTPException(404, f"No action {action!r} for a routing request.")
    rid = _entity_id(request_id)
    t = translator_of(request)
    method = getattr(_centre(request), action)

    def call(wards: Wards) -> dict:
        if action in ("accept", "depart"):
            return method(user.user_name, rid, key=idempotency_key(key), wards=wards)
        return method(user.user_name, rid, reason, key=idempotency_key(key),
                      wards=wards)

    return perform(request, user, action, t(f"board.do.request.{action}"), call,
                   _request_words(request), about={"request_id": rid}, request_id=rid)


# -- beds -----------------------------------------------------------------------------------------

@router.post("/situation/beds/{bed_id}/{action}")
def bed_action(request: Request, user: PageUser, bed_id: str, action: str, reason: Text = "",
               request_id: Text = "", key: Text = "") -> Response:
    if action not in BED_ACTIONS:
        raise HTTPException(404, f"No action {action!r} for a bed.")
    bid = _entity_id(bed_id)
    t = translator_of(request)
    centre = _centre(request)

    def describe(bed: dict) -> tuple[str, str]:
        ward = centre.get("ward", bed["ward_id"])
        return t("board.what.bed", bed=bed["label"], ward=ward["code"]), f"bed-{bed['id']}"

    return perform(request, user, "bed_action", t(f"board.do.bed.{action}"),
                   lambda wards: centre.bed_action(
                       user.user_name, bid, action, reason,
                       number(request_id, "the request", required=False),
                       key=idempotency_key(key), wards=wards),
                   describe, about={"bed_id": bid, "bed_action": action})


# -- hand-offs ------------------------------------------------------------------------------------

def planned_time(value: str) -> datetime | None:
    """A datetime-local field's value, a time in the county's zone (Europe/Helsinki)."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=HELSINKI)
    except ValueError:
        raise FormProblem("the planned discharge time must be a date and time") from None


@router.post("/situation/handoffs")
def create_handoff(request: Request, user: PageUser, ward_id: Text = "",
                   home_care_team: Text = "", patient_ref: Text = "",
                   planned_discharge_at: Text = "", note: Text = "",
                   key: Text = "") -> Response:
    t = translator_of(request)

    def call(wards: Wards) -> dict:
        return _centre(request).create_handoff(
            user.user_name, number(ward_id, "the ward"), home_care_team.strip(),
            patient_ref, None, planned_time(planned_discharge_at),
            note, key=idempotency_key(key), wards=wards)

    return perform(request, user, "create_handoff", t("board.do.handoff.create"), call,
                   lambda row: (t("board.what.handoff", id=row["id"]), f"handoff-{row['id']}"),
                   about={"ward_id": ward_id})


@router.post("/situation/handoffs/{handoff_id}/{action}")
def handoff_action(request: Request, user: PageUser, handoff_id: str, action: str,
                   reason: Text = "", key: Text = "") -> Response:
    if action not in HANDOFF_ACTIONS:
        raise HTTPException(404, f"No action {action!r} for a hand-off.")
    hid = _entity_id(handoff_id)
    t = translator_of(request)
    return perform(request, user, f"handoff_{action}", t(f"board.do.handoff.{action}"),
                   lambda wards: _centre(request).handoff_action(
                       user.user_name, hid, action, reason,
                       key=idempotency_key(key), wards=wards),
                   lambda row: (t("board.what.handoff", id=row["id"]), f"handoff-{row['id']}"),
                   about={"handoff_id": hid})


# -- transports -----------------------------------------------------------------------------------

@router.post("/situation/transports")
def order_transport(request: Request, user: PageUser, urgency_class: Text = "",
                    origin: Text = "", destination: Text = "",
                    safety_needs: Annotated[list[str] | None, Form()] = None,
                    patient_ref: Text = "", request_id: Text = "", note: Text = "",
                    key: Text = "") -> Response:
    t = translator_of(request)

    def call(wards: Wards) -> dict:
        return _centre(request).order_transport(
            user.user_name, urgency_class, origin, destination, safety_needs or [],
            patient_ref, number(request_id, "the request", required=False), None,
            note, key=idempotency_key(key))

    return perform(request, user, "order_transport", t("board.do.transport.create"), call,
                   lambda row: (t("board.what.transport", id=row["id"]),
                                f"transport-{row['id']}"))


@router.post("/situation/transports/{transport_id}/{action}")
def transport_action(request: Request, user: PageUser, transport_id: str, action: str,
                     reason: Text = "", key: Text = "") -> Response:
    if action not in TRANSPORT_ACTIONS:
        raise HTTPException(404, f"No action {action!r} for a transport.")
    xid = _entity_id(transport_id)
    t = translator_of(request)
    return perform(request, user, f"transport_{action}", t(f"board.do.transport.{action}"),
                   lambda wards: _centre(request).transport_action(
                       user.user_name, xid, action, reason,
                       key=idempotency_key(key)),
                   lambda row: (t("board.what.transport", id=row["id"]),
                                f"transport-{row['id']}"),
                   about={"transport_id": xid})
