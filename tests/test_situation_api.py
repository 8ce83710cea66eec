"""The situation centre's HTTP API (/api/v1/situation) in-process with TestClient, on SQLite and
PostgreSQL (`situation_url`): the routing flow through the roles, refusals (403, audited in the
county audit log), illegal transitions (409 with the reason), idempotent retries, the viewer,
hand-offs and transports, and the situation audit naming the signed-in users."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import web_county
from fastapi.testclient import TestClient

from tilannekuva.config import Settings
from tilannekuva.web import accounts
from tilannekuva.web.app import create_app

API = "/api/v1/situation"
#: (user, role, units): the ward nurses act for wards OS3 and OS4 (by code).
USERS = (("ensihoitaja", "ed_nurse", ()), ("ensihoitaja2", "ed_nurse", ()),
         ("hoitaja_os3", "ward_nurse", ("OS3",)), ("hoitaja_os4", "ward_nurse", ("OS4",)),
         ("kotihoito", "home_care_coordinator", ()), ("kuljetus", "transport_coordinator", ()),
         ("katsoja", "situation_viewer", ()))
COORDINATOR = "tilannekeskus"  # web_county's situation_centre user


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    db = web_county.build(tmp_path_factory.mktemp("situation-api") / "county.duckdb")
    with duckdb.connect(str(db)) as con:
        for name, role, units in USERS:
            accounts.add_user(con, name, web_county.password(name), role, units)
    return db


@pytest.fixture
def app(county, situation_url):
    app = create_app(county, Settings(database=county, min_cell_size=5, pseudonym_key=None,
                                      situation_database=situation_url))
    yield app
    app.state.situation.engine.dispose()


@pytest.fixture
def as_user(app):
    tokens: dict[str, dict[str, str]] = {}
    client = TestClient(app)

    def call(user: str, method: str, path: str, body: dict | None = None,
             key: str | None = None):
        if user not in tokens:
            response = client.post("/api/v1/token", data={
                "username": user, "password": web_county.password(user)})
            assert response.status_code == 200, response.text
            tokens[user] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        headers = dict(tokens[user], **({"Idempotency-Key": key} if key else {}))
        return client.request(method, API + path, json=body, headers=headers)

    return call


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def wards_and_beds(as_user) -> tuple[dict, dict, list[dict]]:
    os3 = ok(as_user(COORDINATOR, "POST", "/wards", dict(
        code="OS3", name="Sisätautiosasto 3", specialty="internal_medicine", capacity=4,
        isolation_rooms=1)), 201)
    os4 = ok(as_user(COORDINATOR, "POST", "/wards", dict(
        code="OS4", name="Sisätautiosasto 4", specialty="internal_medicine", capacity=4)), 201)
    beds = [ok(as_user(COORDINATOR, "POST", f"/wards/{os3['id']}/beds",
                       dict(label=label)), 201) for label in ("1", "2")]
    return os3, os4, beds


def refusals(app) -> list[tuple[str, dict]]:
    con = app.state.figures.cursor()
    try:
        rows = con.execute("SELECT user_name, scope FROM audit_log WHERE action = "
                           "'situation_refused' ORDER BY entry_id").fetchall()
    finally:
        con.close()
    return [(user, json.loads(scope)) for user, scope in rows]


def test_a_request_goes_from_the_ed_through_the_ward_to_its_bed(app, as_user):
    os3, os4, beds = wards_and_beds(as_user)
    request = ok(as_user("ensihoitaja", "POST", "/requests", dict(
        specialty="internal_medicine", urgency="urgent", patient_ref="pseudo-1")), 201)
    rid = request["id"]
    assert request["state"] == "open"
    waiting = ok(as_user("katsoja", "GET", "/requests"))
    assert [r["id"] for r in waiting] == [rid] and waiting[0]["waited_minutes"] >= 0
    ok(as_user(COORDINATOR, "POST", f"/requests/{rid}/offer", dict(ward_id=os3["id"])))

    refused = as_user("hoitaja_os4", "POST", f"/requests/{rid}/accept")
    assert refused.status_code == 403
    assert "own wards (OS4)" in refused.json()["detail"]
    assert as_user("hoitaja_os4", "POST", f"/requests/{rid}/place",
                   dict(bed_id=beds[0]["id"])).status_code == 403
    assert [(u, s["action"], s.get("request_id")) for u, s in refusals(app)][-2:] == [
        ("hoitaja_os4", "accept", rid), ("hoitaja_os4", "place", rid)]

    assert ok(as_user("hoitaja_os3", "POST", f"/requests/{rid}/accept"))["state"] == "accepted"
    placed = ok(as_user("hoitaja_os3", "POST", f"/requests/{rid}/place",
                        dict(bed_id=beds[0]["id"])))
    assert (placed["state"], placed["bed_id"]) == ("placed", beds[0]["id"])
    assert ok(as_user("hoitaja_os3", "POST", f"/requests/{rid}/depart"))["state"] == "departed"

    board = {w["code"]: w for w in ok(as_user("katsoja", "GET", "/wards"))}
    assert board["OS3"]["counts"]["occupied"] == 1 and board["OS3"]["load_percent"] == 50.0
    assert board["OS4"]["beds"] == [] and board["OS4"]["load_percent"] is None
    assert ok(as_user("katsoja", "GET", "/requests")) == []
    assert ok(as_user("katsoja", "GET", f"/requests/{rid}"))["state"] == "departed"

    audit = ok(as_user("katsoja", "GET", f"/requests/{rid}/audit"))
    assert [(a["actor"], a["action"]) for a in audit] == [
        ("ensihoitaja", "create"), (COORDINATOR, "offer"), ("hoitaja_os3", "accept"),
        ("hoitaja_os3", "place"), ("hoitaja_os3", "depart")]
    bed_audit = ok(as_user("katsoja", "GET", f"/beds/{beds[0]['id']}/audit"))
    assert [(a["actor"], a["action"]) for a in bed_audit] == [
        (COORDINATOR, "create"), ("hoitaja_os3", "occupy")]
    # The ward nurse of OS3 keeps the bed: it may vacate it now, the other ward's may not.
    assert as_user("hoitaja_os4", "POST", f"/beds/{beds[0]['id']}/vacate").status_code == 403
    assert ok(as_user("hoitaja_os3", "POST",
                      f"/beds/{beds[0]['id']}/vacate"))["state"] == "cleaning"


def test_illegal_transitions_and_bad_input_give_the_reason(app, as_user):
    os3, _, beds = wards_and_beds(as_user)
    rid = ok(as_user("ensihoitaja", "POST", "/requests", dict(
        specialty="internal_medicine", urgency="urgent")), 201)["id"]
    refused = as_user("ensihoitaja", "POST", f"/requests/{rid}/depart")
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith(f"cannot depart routing request {rid} (state "
                                               "open): ")
    assert "offer, cancel, interrupt" in refused.json()["detail"]
    ok(as_user(COORDINATOR, "POST", f"/requests/{rid}/offer", dict(ward_id=os3["id"])))
    no_reason = as_user("hoitaja_os3", "POST", f"/requests/{rid}/decline", {})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
    assert as_user(COORDINATOR, "POST", f"/requests/{rid}/offer",
                   dict(ward_id=os3["id"])).status_code == 409
    assert as_user("ensihoitaja", "POST", "/requests", dict(
        specialty="no_such", urgency="urgent")).status_code == 422
    assert as_user("katsoja", "GET", "/requests/99999").status_code == 404
    assert as_user(COORDINATOR, "POST", "/requests/99999/offer",
                   dict(ward_id=os3["id"])).status_code == 404
    assert as_user(COORDINATOR, "POST", f"/beds/{beds[1]['id']}/block", {}).status_code == 422


def test_a_retry_with_the_same_key_returns_the_same_object(app, as_user):
    body = dict(specialty="internal_medicine", urgency="emergency")
    first = ok(as_user("ensihoitaja", "POST", "/requests", body, key="form-1"), 201)
    again = ok(as_user("ensihoitaja", "POST", "/requests", body, key="form-1"), 201)
    assert again == first
    assert len(ok(as_user("katsoja", "GET", "/requests"))) == 1
    reused = as_user("ensihoitaja", "POST", "/requests", dict(body, urgency="urgent"),
                     key="form-1")
    assert reused.status_code == 409 and "form-1" in reused.json()["detail"]
    audit = ok(as_user("katsoja", "GET", f"/requests/{first['id']}/audit"))
    assert [(a["actor"], a["idempotency_key"]) for a in audit] == [("ensihoitaja", "form-1")]


def test_the_viewer_reads_but_does_not_write_and_other_roles_keep_to_their_part(app, as_user):
    os3, _, _ = wards_and_beds(as_user)
    ok(as_user("katsoja", "GET", "/wards"))
    ok(as_user("katsoja", "GET", f"/wards/{os3['id']}"))
    body = dict(specialty="internal_medicine", urgency="urgent")
    for path, payload in (("/requests", body), ("/wards", dict(
            code="X", name="X", specialty="internal_medicine", capacity=1)),
            (f"/beds/{os3['id']}/block", dict(reason="repair"))):
        assert as_user("katsoja", "POST", path, payload).status_code == 403, path
    assert as_user("johtaja", "GET", "/wards").status_code == 403  # a dashboard role only
    assert as_user("hoitaja_os3", "POST", "/requests", body).status_code == 403

    rid = ok(as_user("ensihoitaja", "POST", "/requests", body), 201)["id"]
    cancel = dict(reason="went home")
    refused = as_user("ensihoitaja2", "POST", f"/requests/{rid}/cancel", cancel)
    assert refused.status_code == 403 and "it created" in refused.json()["detail"]
    assert as_user("ensihoitaja", "POST", f"/requests/{rid}/interrupt",
                   cancel).status_code == 403
    assert ok(as_user("ensihoitaja", "POST", f"/requests/{rid}/cancel",
                      cancel))["state"] == "cancelled"
    assert {u for u, _ in refusals(app)} >= {"katsoja", "johtaja", "hoitaja_os3",
                                            "ensihoitaja2", "ensihoitaja"}


def test_hand_offs_and_transports_go_to_their_coordinators(app, as_user):
    os3, os4, _ = wards_and_beds(as_user)
    assert as_user("hoitaja_os4", "POST", "/handoffs", dict(
        ward_id=os3["id"], home_care_team="Kotihoito 1")).status_code == 403
    handoff = ok(as_user("hoitaja_os3", "POST", "/handoffs", dict(
        ward_id=os3["id"], home_care_team="Kotihoito 1",
        planned_discharge_at="2026-03-02T12:00:00+02:00")), 201)
    hid = handoff["id"]
    assert as_user("hoitaja_os3", "POST", f"/handoffs/{hid}/acknowledge").status_code == 403
    ok(as_user("kotihoito", "POST", f"/handoffs/{hid}/acknowledge"))
    assert ok(as_user("kotihoito", "POST", f"/handoffs/{hid}/complete"))["state"] == "completed"
    assert as_user("kotihoito", "POST", f"/handoffs/{hid}/cancel",
                   dict(reason="x")).status_code == 409

    transport = ok(as_user("hoitaja_os3", "POST", "/transports", dict(
        urgency_class="non_urgent", origin="OS3", destination="Koti",
        safety_needs=["stretcher"])), 201)
    tid = transport["id"]
    assert as_user("hoitaja_os3", "POST", f"/transports/{tid}/accept").status_code == 403
    for action in ("accept", "depart", "pick_up", "deliver"):
        ok(as_user("kuljetus", "POST", f"/transports/{tid}/{action}"))
    assert ok(as_user("katsoja", "GET", f"/transports/{tid}"))["state"] == "delivered"
    assert as_user("kuljetus", "POST", "/transports", dict(
        urgency_class="urgent", origin="a", destination="b",
        safety_needs=["wings"])).status_code == 422


@pytest.mark.parametrize(("role", "units", "error"), [
    ("ward_nurse", (), "give at least one --unit"),
    ("ed_nurse", ("OS3",), "not tied to units"),
])
def test_users_of_the_situation_roles_are_added_with_their_wards(tmp_path, role, units, error):
    with duckdb.connect(str(tmp_path / "county.duckdb")) as con:
        accounts.create_tables(con)
        with pytest.raises(accounts.AccountError, match=error):
            accounts.add_user(con, "x", "long enough pw", role, units)
        for name in ("home_care_coordinator", "transport_coordinator", "situation_viewer"):
            assert accounts.add_user(con, name, "long enough pw", name).role.name == name
        assert accounts.add_user(con, "w", "long enough pw", "ward_nurse",
                                 ("OS3", "7")).units == ("OS3", "7")
