"""Digital services on tiny hand-built counties: the pathway portfolio on measurement days,
ended pathways, enrolment shares, connected versus logged-in clients, remote contacts and chat
response times. Every expected figure is worked out by hand beside it. The new table
`digital_pathway_stages` is also taken through the import and the synthetic generator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import load, quarantined, query, write
from county import County

from tilannekuva.indicators import Query, Sources, compute, duckdb_file
from tilannekuva.store import open_store
from tilannekuva.synth import digital as synth_digital
from tilannekuva.synth import generate, load_into_store
from tilannekuva.synth.structure import build_county


def cells(src: Sources, indicator: str, start: str, end: str, grain: str = "month",
          dims: tuple[str, ...] = (), figures: tuple[str, ...] = ("numerator", "denominator"),
          min_cell_size: int = 1) -> list[tuple]:
    """(period, *dims, *figures) of every output row."""
    out = compute(src, Query((indicator,), date.fromisoformat(start), date.fromisoformat(end),
                             grain, dims), min_cell_size=min_cell_size)
    rows = out[["period", *dims, *figures]].astype(object).where(out.notna(), None)
    return list(rows.itertuples(index=False, name=None))


#: The stage distribution is always split by its class, `pathway_stage`.
STAGE_FIGURES = ("pathway_stage", "numerator", "denominator")


def stage(county: County, pathway: str, name: str, day: str, reason: str | None = None) -> None:
    county.add("digital_pathway_stages", pathway=pathway, stage=name, entered_on=day,
               end_reason=reason)


# --- the pathway portfolio ------------------------------------------------------------------

@pytest.fixture
def portfolio(tmp_path: Path) -> Sources:
    """Diabetes: idea 10 Jan 2024, development 5 Mar, pilot 20 May. Substance use: production
    since 1 Jun 2023, ended 15 Feb 2024 (low use). Pregnancy: idea and queue both on 1 Apr
    2024 (the later stage, queue, counts). Hypertension: production 2022, ended 3 Jan 2025
    (moved to a national service)."""
    c = County(tmp_path / "c.duckdb")
    stage(c, "diabetes", "idea", "2024-01-10")
    stage(c, "diabetes", "development", "2024-03-05")
    stage(c, "diabetes", "pilot", "2024-05-20")
    stage(c, "substance_use", "production", "2023-06-01")
    stage(c, "substance_use", "ended", "2024-02-15", "low_use")
    stage(c, "pregnancy", "idea", "2024-04-01")
    stage(c, "pregnancy", "queue", "2024-04-01")
    stage(c, "hypertension", "production", "2022-09-01")
    stage(c, "hypertension", "ended", "2025-01-03", "national_service")
    return c.sources()


def test_stages_on_measurement_days_between_changes(portfolio: Sources) -> None:
    # Measured on 31 Jan, 29 Feb, 31 Mar and (range ends mid-month) 15 Apr 2024.
    # 31 Jan: diabetes idea (since 10 Jan), substance use production, hypertension production
    #         → idea 1/3, production 2/3.
    # 29 Feb: substance use ended on 15 Feb → ended 1, idea 1, production 1 (of 3).
    # 31 Mar: diabetes in development since 5 Mar (between the changes of 5 Mar and 20 May).
    # 15 Apr: pregnancy joined on 1 Apr in queue (idea the same day loses) → 4 pathways.
    assert cells(portfolio, "digital_pathways_by_stage", "2024-01-01", "2024-04-15",
                 figures=STAGE_FIGURES) == [
        ("2024-01-31", "idea", 1, 3), ("2024-01-31", "production", 2, 3),
        ("2024-02-29", "ended", 1, 3), ("2024-02-29", "idea", 1, 3),
        ("2024-02-29", "production", 1, 3),
        ("2024-03-31", "development", 1, 3), ("2024-03-31", "ended", 1, 3),
        ("2024-03-31", "production", 1, 3),
        ("2024-04-15", "development", 1, 4), ("2024-04-15", "ended", 1, 4),
        ("2024-04-15", "production", 1, 4), ("2024-04-15", "queue", 1, 4),
    ]


def test_one_pathway_through_its_stages_by_quarter(portfolio: Sources) -> None:
    # Diabetes on 31 Mar (development since 5 Mar), 30 Jun (pilot since 20 May); not yet in
    # the portfolio on 31 Dec 2023.
    assert cells(portfolio, "digital_pathways_by_stage", "2023-10-01", "2024-06-30",
                 "quarter", dims=("pathway",), figures=STAGE_FIGURES)[:6] == [
        ("2023-12-31", "hypertension", "production", 1, 1),
        ("2023-12-31", "substance_use", "production", 1, 1),
        ("2024-03-31", "diabetes", "development", 1, 1),
        ("2024-03-31", "hypertension", "production", 1, 1),
        ("2024-03-31", "substance_use", "ended", 1, 1),
        ("2024-06-30", "diabetes", "pilot", 1, 1),
    ]


def test_pathways_ended_with_their_reason(portfolio: Sources) -> None:
    # Substance use ended 15 Feb 2024 (low use), hypertension 3 Jan 2025 (national service).
    assert cells(portfolio, "digital_pathways_ended", "2024-01-01", "2025-12-31", "year",
                 dims=("end_reason", "pathway"), figures=("value",)) == [
        ("2024", "low_use", "substance_use", 1),
        ("2025", "national_service", "hypertension", 1),
    ]


def test_portfolio_figures_are_never_suppressed(portfolio: Sources) -> None:
    # One pathway per class, but the figures are about pathways, not persons.
    out = compute(portfolio, Query(("digital_pathways_by_stage", "digital_pathways_ended"),
                                   date(2024, 1, 1), date(2024, 12, 31), "year"), 5)
    assert not out["suppressed"].any()
    assert out.loc[out.indicator == "digital_pathways_ended", "value"].tolist() == [1]


# --- enrolments ------------------------------------------------------------------------------

def enrol(county: County, eid: str, person: str, pathway: str, invited: str, status: str,
          activated: str | None = None, ended: str | None = None,
          reason: str | None = None) -> None:
    county.add("digital_pathways", enrolment_id=eid, person_id=person, pathway=pathway,
               invited_at=invited, activated_at=activated, ended_at=ended, status=status,
               end_reason=reason)


@pytest.fixture
def enrolled(tmp_path: Path) -> Sources:
    c = County(tmp_path / "c.duckdb")
    for person in ("P1", "P2", "P3", "P4", "P5", "P6"):
        c.person(person)
    enrol(c, "E1", "P1", "diabetes", "2024-02-01 09:00", "completed", "2024-02-03 10:00",
          "2024-08-01 12:00", "completed")
    enrol(c, "E2", "P1", "hypertension", "2024-03-01 09:00", "invited")
    enrol(c, "E3", "P2", "diabetes", "2024-02-10 09:00", "ended_early", "2024-02-11 10:00",
          "2024-04-01 12:00", "no_activity")
    enrol(c, "E4", "P3", "diabetes", "2024-05-01 09:00", "ended_early", "2024-05-02 10:00",
          "2024-06-01 12:00", "moved_to_other_care")
    # Invited in 2023, ended (completed) in 2024.
    enrol(c, "E5", "P4", "diabetes", "2023-12-20 09:00", "completed", "2024-01-05 10:00",
          "2024-10-01 12:00", "completed")
    # Status contradicts the end time: not an ended enrolment.
    enrol(c, "E6", "P5", "pregnancy", "2024-06-01 09:00", "active", "2024-06-02 10:00",
          "2024-07-01 12:00")
    # Completed, but no end time: cannot be placed.
    enrol(c, "E7", "P6", "pregnancy", "2024-06-01 09:00", "completed", "2024-06-02 10:00")
    return c.sources()


def test_clients_invited_counted_once_per_person(enrolled: Sources) -> None:
    # Invited in 2024: P1 (twice), P2, P3, P5, P6 = 5 persons (P4 was invited in 2023).
    # Diabetes: P1, P2, P3; hypertension: P1; pregnancy: P5, P6.
    assert cells(enrolled, "digital_pathway_clients", "2024-01-01", "2024-12-31", "year",
                 figures=("value",)) == [("2024", 5)]
    assert cells(enrolled, "digital_pathway_clients", "2024-01-01", "2024-12-31", "year",
                 dims=("pathway",), figures=("value",)) == [
        ("2024", "diabetes", 3), ("2024", "hypertension", 1), ("2024", "pregnancy", 2)]


def test_activation_share(enrolled: Sources) -> None:
    # Enrolments invited in 2024: E1, E2, E3, E4, E6, E7; all but E2 activated → 5 of 6.
    # By pathway: diabetes 3/3, hypertension 0/1, pregnancy 2/2.
    assert cells(enrolled, "digital_pathway_activation", "2024-01-01", "2024-12-31",
                 "year") == [("2024", 5, 6)]
    assert cells(enrolled, "digital_pathway_activation", "2024-01-01", "2024-12-31", "year",
                 dims=("pathway",)) == [
        ("2024", "diabetes", 3, 3), ("2024", "hypertension", 0, 1), ("2024", "pregnancy", 2, 2)]
    # By month of invitation: February E1, E3 (2/2), March E2 (0/1), May E4, June E6, E7.
    assert cells(enrolled, "digital_pathway_activation", "2024-02-01", "2024-03-31") == [
        ("2024-02", 2, 2), ("2024-03", 0, 1)]


def test_early_ending_share(enrolled: Sources) -> None:
    # Ended in 2024 with status completed or ended_early and an end time: E1 (completed,
    # Aug), E3 (early, Apr), E4 (early, Jun), E5 (completed, Oct; invited in 2023) → 2 of 4.
    # E6 (active with an end time) and E7 (completed without one) are not counted.
    assert cells(enrolled, "digital_pathway_ended_early", "2024-01-01", "2024-12-31",
                 "year") == [("2024", 2, 4)]
    # Placed by the end day: April E3 (1/1), June E4 (1/1), August E1 (0/1).
    assert cells(enrolled, "digital_pathway_ended_early", "2024-04-01", "2024-08-31",
                 "quarter") == [("2024-Q2", 2, 2), ("2024-Q3", 0, 1)]


# --- connected and logged-in clients ---------------------------------------------------------

@pytest.fixture
def clients(tmp_path: Path) -> Sources:
    """P1 connected 3 Feb – 1 Aug 2024. P2 activated two pathways on 10 Mar 2024, both still
    open. P3 invited 1 Jan 2024, never activated. P4 connected 1 Nov 2023 – 15 Jan 2024. The
    latest day recorded in digital_pathways is P1's end, 1 Aug 2024, so P2 is connected up to
    it. Digital usage: P1 two nurse chats and an e-booking in 2024, P2 one e-booking in 2024,
    P3 one e-booking in 2023, and an anonymous social chat in 2024."""
    c = County(tmp_path / "c.duckdb")
    for person in ("P1", "P2", "P3", "P4"):
        c.person(person)
    enrol(c, "E1", "P1", "diabetes", "2024-02-01 09:00", "completed", "2024-02-03 10:00",
          "2024-08-01 12:00", "completed")
    enrol(c, "E2", "P2", "diabetes", "2024-03-09 09:00", "active", "2024-03-10 10:00")
    enrol(c, "E3", "P2", "hypertension", "2024-03-09 09:00", "active", "2024-03-10 11:00")
    enrol(c, "E4", "P3", "pregnancy", "2024-01-01 09:00", "invited")
    enrol(c, "E5", "P4", "substance_use", "2023-10-20 09:00", "ended_early",
          "2023-11-01 10:00", "2024-01-15 12:00", "no_activity")
    for uid, person, service, day in (
            ("U1", "P1", "nurse_chat", "2024-02-05"), ("U2", "P1", "nurse_chat", "2024-06-05"),
            ("U3", "P1", "e_booking", "2024-03-01"), ("U4", "P2", "e_booking", "2024-09-01"),
            ("U5", "P3", "e_booking", "2023-05-01"), ("U6", None, "social_chat", "2024-04-01")):
        c.add("digital_usage", usage_id=uid, person_id=person, digital_service=service,
              started_at=f"{day} 10:00")
    return c.sources()


def test_connected_clients_once_per_person_and_period(clients: Sources) -> None:
    # 2023: P4 (from 1 Nov). 2024: P1, P2 (two pathways, once), P4 (until 15 Jan) = 3;
    # P3 never activated.
    assert cells(clients, "digital_connected_clients", "2023-01-01", "2024-12-31", "year",
                 figures=("value",)) == [("2023", 1), ("2024", 3)]
    # By pathway in 2024: diabetes P1, P2; hypertension P2; substance use P4.
    assert cells(clients, "digital_connected_clients", "2024-01-01", "2024-12-31", "year",
                 dims=("pathway",), figures=("value",)) == [
        ("2024", "diabetes", 2), ("2024", "hypertension", 1), ("2024", "substance_use", 1)]
    # Months: Jan P4; Feb P1; Mar–Aug P1, P2 (P2 open, up to 1 Aug); none after August.
    assert cells(clients, "digital_connected_clients", "2024-01-01", "2024-12-31",
                 figures=("value",)) == [
        ("2024-01", 1), ("2024-02", 1), ("2024-03", 2), ("2024-04", 2), ("2024-05", 2),
        ("2024-06", 2), ("2024-07", 2), ("2024-08", 2)]


def test_logged_in_clients_once_per_person_and_period(clients: Sources) -> None:
    # 2024: P1 (three uses) and P2; the anonymous chat is no login → 2. 2023: P3.
    assert cells(clients, "digital_logged_in_clients", "2023-01-01", "2024-12-31", "year",
                 figures=("value",)) == [("2023", 1), ("2024", 2)]
    # By service in 2024: e-booking P1, P2; nurse chat P1 (twice, once counted).
    assert cells(clients, "digital_logged_in_clients", "2024-01-01", "2024-12-31", "year",
                 dims=("digital_service",), figures=("value",)) == [
        ("2024", "e_booking", 2), ("2024", "nurse_chat", 1)]


def test_logged_in_age_is_taken_on_the_first_day_of_the_period(tmp_path: Path) -> None:
    # P1 born 1 July 2006 turns 18 on 1 July 2024 and uses e-booking in March and September.
    # On 1 Jan 2024 they are 17 (band 13–17): one band for the year. By quarter: on 1 Jan 17,
    # on 1 Jul 18 (band 18–22).
    c = County(tmp_path / "c.duckdb").person("P1", born="2006-07-01")
    for uid, day in (("U1", "2024-03-01"), ("U2", "2024-09-01")):
        c.add("digital_usage", usage_id=uid, person_id="P1", digital_service="e_booking",
              started_at=f"{day} 10:00")
    src = c.sources()
    assert cells(src, "digital_logged_in_clients", "2024-01-01", "2024-12-31", "year",
                 dims=("age_band",), figures=("value",)) == [("2024", "13–17", 1)]
    assert cells(src, "digital_logged_in_clients", "2024-01-01", "2024-12-31", "quarter",
                 dims=("age_band",), figures=("value",)) == [
        ("2024-Q1", "13–17", 1), ("2024-Q3", "18–22", 1)]


# --- remote contacts -------------------------------------------------------------------------

def test_remote_share_without_cancelled_visits(tmp_path: Path) -> None:
    # P1's visits in March 2024: physical done, phone done, video cancelled, chat no-show,
    # asynchronous message done, home visit done. Realised: physical, phone, message, home = 4;
    # remote among them: phone and message = 2 → 2 / 4.
    c = County(tmp_path / "c.duckdb").person("P1")
    for n, (kind, status) in enumerate((("physical", "done"), ("phone", "done"),
                                        ("video", "cancelled"), ("chat", "no_show"),
                                        ("async_message", "done"), ("home_visit", "done"))):
        c.add("visits", visit_id=f"V{n}", person_id="P1", contact_type=kind, status=status,
              start_at=f"2024-03-{n + 4:02d} 10:00")
    src = c.sources()
    assert cells(src, "remote_appointment_share", "2024-03-01", "2024-03-31") == [
        ("2024-03", 2, 4)]
    assert cells(src, "remote_appointments", "2024-03-01", "2024-03-31", figures=("value",)) == [
        ("2024-03", 2)]
    assert cells(src, "remote_appointments", "2024-03-01", "2024-03-31",
                 dims=("contact_type",), figures=("value",)) == [
        ("2024-03", "async_message", 1), ("2024-03", "phone", 1)]
    # One person only: hidden at the default minimum of 5.
    out = compute(src, Query(("remote_appointment_share",), date(2024, 3, 1),
                             date(2024, 3, 31)), 5)
    assert out["suppressed"].tolist() == [True] and out["value"].isna().all()


# --- chats -----------------------------------------------------------------------------------

@pytest.fixture
def chats(tmp_path: Path) -> Sources:
    """Eight chats. Nurse chats of P1–P5 answered after 2.5, 4, 7, 10 and 30 minutes and one
    of P6 unanswered; anonymous social chats, one answered after 45 minutes and one not.
    P2's chat starts at 02:58 on 31 Mar 2024 (+02) and is answered at 04:02 (+03), after the
    clocks went forward: 4 elapsed minutes, not 64."""
    c = County(tmp_path / "c.duckdb")
    rows = (("C1", "P1", "nurse_chat", "2024-03-04 10:00:00", "2024-03-04 10:02:30"),
            ("C2", "P2", "nurse_chat", "2024-03-31 02:58:00", "2024-03-31 04:02:00"),
            ("C3", "P3", "nurse_chat", "2024-03-05 10:00:00", "2024-03-05 10:07:00"),
            ("C4", "P4", "nurse_chat", "2024-03-06 10:00:00", "2024-03-06 10:10:00"),
            ("C5", "P5", "nurse_chat", "2024-03-07 10:00:00", "2024-03-07 10:30:00"),
            ("C6", None, "social_chat", "2024-03-08 10:00:00", "2024-03-08 10:45:00"),
            ("C7", "P6", "nurse_chat", "2024-03-09 10:00:00", None),
            ("C8", None, "social_chat", "2024-03-10 10:00:00", None))
    for uid, person, service, started, answered in rows:
        c.add("digital_usage", usage_id=uid, person_id=person, digital_service=service,
              started_at=started, first_response_at=answered)
    # Not a chat: outside every chat figure.
    c.add("digital_usage", usage_id="X1", person_id="P1", digital_service="e_booking",
          started_at="2024-03-04 11:00")
    return c.sources()


def test_chat_volumes(chats: Sources) -> None:
    assert cells(chats, "chat_conversations", "2024-03-01", "2024-03-31",
                 figures=("value",)) == [("2024-03", 8)]
    assert cells(chats, "chat_conversations", "2024-03-01", "2024-03-31",
                 dims=("digital_service",), figures=("value",)) == [
        ("2024-03", "nurse_chat", 6), ("2024-03", "social_chat", 2)]


def test_chat_response_median_and_p90(chats: Sources) -> None:
    # Answered waits sorted: 2.5, 4, 7, 10, 30, 45 (n = 6).
    # Median: rank (6 − 1) × 0.5 = 2.5 → between 7 and 10: 8.5.
    # p90: rank (6 − 1) × 0.9 = 4.5 → 30 + 0.5 × (45 − 30) = 37.5.
    figures = ("denominator", "value")
    assert cells(chats, "chat_first_response_minutes", "2024-03-01", "2024-03-31",
                 figures=figures) == [("2024-03", 6, 8.5)]
    assert cells(chats, "chat_first_response_minutes_p90", "2024-03-01", "2024-03-31",
                 figures=figures) == [("2024-03", 6, 37.5)]
    # By service. Nurse chats: 2.5, 4, 7, 10, 30 → median 7; p90 rank 4 × 0.9 = 3.6 →
    # 10 + 0.6 × (30 − 10) = 22. Social chats: 45 alone.
    assert cells(chats, "chat_first_response_minutes", "2024-03-01", "2024-03-31",
                 dims=("digital_service",), figures=figures) == [
        ("2024-03", "nurse_chat", 5, 7.0), ("2024-03", "social_chat", 1, 45.0)]
    assert cells(chats, "chat_first_response_minutes_p90", "2024-03-01", "2024-03-31",
                 dims=("digital_service",), figures=figures) == [
        ("2024-03", "nurse_chat", 5, pytest.approx(22.0)), ("2024-03", "social_chat", 1, 45.0)]


def test_unanswered_chats(chats: Sources) -> None:
    # Unanswered: C7 and C8 of 8; nurse 1 of 6, social 1 of 2.
    assert cells(chats, "chat_unanswered_share", "2024-03-01", "2024-03-31") == [
        ("2024-03", 2, 8)]
    assert cells(chats, "chat_unanswered_share", "2024-03-01", "2024-03-31",
                 dims=("digital_service",)) == [
        ("2024-03", "nurse_chat", 1, 6), ("2024-03", "social_chat", 1, 2)]


def test_chat_suppression_counts_anonymous_chats_as_persons(chats: Sources) -> None:
    # At a minimum of 5: nurse chats come from 6 persons (shown); the 2 anonymous social chats
    # count as 2 persons (hidden); the total has 8 (shown).
    out = compute(chats, Query(("chat_conversations",), date(2024, 3, 1), date(2024, 3, 31),
                               dimensions=("digital_service",)), 5)
    assert out[["digital_service", "suppressed"]].values.tolist() == [
        ["nurse_chat", False], ["social_chat", True]]
    assert out.loc[0, "value"] == 6 and out["value"].isna().tolist() == [False, True]


# --- the new table through the import and the generator --------------------------------------

def test_pathway_stages_round_trip_through_the_import(tmp_path, store, settings) -> None:
    # Lines 2–4 are good (the Finnish date 1.6.2024 too); line 5 has an unknown stage, line 6
    # an unknown retirement reason. A second import of the same file changes nothing.
    path = write(tmp_path / "digital_pathway_stages.csv", """\
        pathway,stage,entered_on,end_reason
        diabetes,idea,2023-01-10,
        diabetes,production,1.6.2024,
        substance_use,ended,2024-09-30,low_use
        substance_use,retired,2024-10-01,
        pregnancy,ended,2024-10-02,boredom
        """)
    [result] = load(store, settings, path)
    assert (result.table, result.rows_read, result.inserted, result.quarantined) == (
        "digital_pathway_stages", 5, 3, 2)
    assert quarantined(store) == [(5, "stage", "unknown_code"), (6, "end_reason", "unknown_code")]
    assert query(store, "SELECT pathway, stage, entered_on, end_reason "
                 "FROM digital_pathway_stages ORDER BY entered_on") == [
        ("diabetes", "idea", date(2023, 1, 10), None),
        ("diabetes", "production", date(2024, 6, 1), None),
        ("substance_use", "ended", date(2024, 9, 30), "low_use"),
    ]
    [again] = load(store, settings, path)
    assert again.skipped_already_imported
    # The imported rows feed the portfolio: on 31 Dec 2024 one in production, one ended.
    src = Sources(duckdb_file(store))
    assert cells(src, "digital_pathways_by_stage", "2024-12-01", "2024-12-31",
                 figures=STAGE_FIGURES) == [
        ("2024-12-31", "ended", 1, 2), ("2024-12-31", "production", 1, 2)]


def test_synthetic_portfolio_and_enrolments_agree(tmp_path: Path) -> None:
    start, seed = date(2024, 1, 1), 3
    generate(tmp_path / "parquet", residents=3_000, years=2, start=start, seed=seed, workers=1)
    con = open_store(tmp_path / "c.duckdb")
    try:
        loaded = load_into_store(con, tmp_path / "parquet")
        expected = synth_digital.pathway_stages(build_county(seed, 3_000, start, 2))
        assert loaded["digital_pathway_stages"] == expected.num_rows == 30
        # Within each pathway the stages follow the lifecycle order in time, and only the
        # "ended" rows have (and all have) a retirement reason.
        rows = con.execute("SELECT pathway, stage, entered_on, end_reason "
                           "FROM digital_pathway_stages ORDER BY pathway, entered_on").fetchall()
        order = ["idea", "queue", "development", "pilot", "production", "ended"]
        for pathway in {r[0] for r in rows}:
            stages = [order.index(r[1]) for r in rows if r[0] == pathway]
            assert stages == sorted(stages), pathway
        assert all((r[1] == "ended") == (r[3] is not None) for r in rows)
        # Some pathways piloted and ended, most in production at the extract.
        last = con.execute("SELECT arg_max(stage, entered_on) FROM digital_pathway_stages "
                           "GROUP BY pathway").fetchall()
        finals = sorted(s for (s,) in last)
        assert finals.count("production") >= 3 and "ended" in finals
        # Every client was invited while the pathway was in pilot or production.
        (outside,) = con.execute("""
            SELECT count(*) FROM digital_pathways e WHERE coalesce((
                SELECT arg_max(s.stage, s.entered_on) FROM digital_pathway_stages s
                WHERE s.pathway = e.pathway AND s.entered_on <= e.invited_at::DATE), '')
              NOT IN ('pilot', 'production')""").fetchone()
        assert outside == 0
        # Some chats are left unanswered.
        (unanswered,) = con.execute("SELECT count(*) FROM digital_usage WHERE digital_service "
                                    "IN ('nurse_chat', 'social_chat') AND first_response_at "
                                    "IS NULL").fetchone()
        assert unanswered > 0
    finally:
        con.close()
