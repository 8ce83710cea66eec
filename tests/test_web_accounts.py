"""Dashboard users, sessions, roles, number formats and charts, without a server."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from tilannekuva.cli import app as cli
from tilannekuva.reports.spc import xmr
from tilannekuva.store import open_store
from tilannekuva.web import accounts
from tilannekuva.web.charts import xmr_svg
from tilannekuva.web.i18n import translator
from tilannekuva.web.roles import ROLES, NotEntitled, scope


@pytest.fixture
def con(tmp_path):
    con = open_store(tmp_path / "county.duckdb")
    accounts.create_tables(con)
    yield con
    con.close()


@pytest.mark.parametrize(("role", "units", "password", "message"), [
    ("chief", (), "long enough pw", "Unknown role 'chief'"),
    ("supervisor", (), "long enough pw", "give at least one --unit"),
    ("director", ("u1",), "long enough pw", "leave out --unit"),
    ("analyst", (), "short", "at least 10 characters"),
])
def test_a_user_that_cannot_work_is_refused_in_words(con, role, units, password, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(con, "someone", password, role, units)


def test_sign_in_sessions_and_removal(con):
    accounts.add_user(con, "esihenkilo", "long enough pw", "supervisor", ("u1", "u2"))
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add_user(con, "esihenkilo", "another long pw", "analyst")
    assert accounts.authenticate(con, "esihenkilo", "wrong password") is None
    user = accounts.authenticate(con, "esihenkilo", "long enough pw")
    assert (user.role.name, user.units) == ("supervisor", ("u1", "u2"))
    token, _ = accounts.open_session(con, user, hours=1)
    assert accounts.session_user(con, token) == user
    assert accounts.session_user(con, token + "x") is None
    stored = con.execute("SELECT token_sha256 FROM web_sessions").fetchall()[0][0]
    assert token not in stored and len(stored) == 64
    expired, _ = accounts.open_session(con, user, hours=-0.01)
    assert accounts.session_user(con, expired) is None
    accounts.close_session(con, token)
    assert accounts.session_user(con, token) is None
    assert con.execute("SELECT count(*) FROM web_sessions").fetchall() == [(0,)]
    again, _ = accounts.open_session(con, user, hours=1)
    accounts.remove_user(con, "esihenkilo")
    assert accounts.session_user(con, again) is None


def test_the_session_memory_forgets_at_sign_out_removal_and_expiry(con, monkeypatch):
    """The server remembers a checked token's user for a few seconds, but a session that was
    closed, a removed user or an expired session is never answered from memory, and lapsed
    entries are dropped once the memory reaches its sweep size."""
    accounts.add_user(con, "analyytikko", "long enough pw", "analyst")
    user = accounts.authenticate(con, "analyytikko", "long enough pw")
    memory = accounts.Sessions()
    token, _ = accounts.open_session(con, user, hours=1)
    assert memory.user(con.cursor, token) == user
    assert memory.remembered(token) == user  # now answered without the database
    accounts.close_session(con, token)
    assert memory.remembered(token) is None and memory.user(con.cursor, token) is None
    again, _ = accounts.open_session(con, user, hours=1)
    assert memory.user(con.cursor, again) == user
    accounts.remove_user(con, "analyytikko")
    assert memory.remembered(again) is None and memory.user(con.cursor, again) is None
    accounts.add_user(con, "analyytikko", "long enough pw", "analyst")
    user = accounts.authenticate(con, "analyytikko", "long enough pw")
    expired, _ = accounts.open_session(con, user, hours=-0.01)
    assert memory.user(con.cursor, expired) is None and memory.remembered(expired) is None

    monkeypatch.setattr(accounts, "SESSION_MEMORY_SWEEP", 3)
    monkeypatch.setattr(accounts, "SESSION_MEMORY_SECONDS", 0.0)  # every entry lapses at once
    for _ in range(5):
        memory.user(con.cursor, accounts.open_session(con, user, hours=1)[0])
    assert len(memory._users) <= 3


def test_person_list_scope_is_the_own_units_and_nothing_else():
    supervisor = ROLES["supervisor"]
    assert scope(supervisor, "overdue_list", ("u1", "u2"), None) == ["u1", "u2"]
    assert scope(supervisor, "overdue_list", ("u1", "u2"), ["u2"]) == ["u2"]
    with pytest.raises(NotEntitled, match="u3 is not among the units you lead"):
        scope(supervisor, "overdue_list", ("u1", "u2"), ["u2", "u3"])
    for name in ("director", "analyst", "situation_centre", "administrator"):
        with pytest.raises(NotEntitled, match="not entitled to person-level lists"):
            scope(ROLES[name], "overdue_list", (), None)


def test_feedback_comments_and_the_scorecard_go_to_the_roles_docs_web_md_names():
    """Comments: a supervisor their own units, a director every unit (None), nobody else.
    The scorecard: every role but situation-centre staff, for every unit."""
    supervisor, director = ROLES["supervisor"], ROLES["director"]
    assert scope(supervisor, "feedback_comments", ("u1",), None) == ["u1"]
    with pytest.raises(NotEntitled, match="u2 is not among the units you lead"):
        scope(supervisor, "feedback_comments", ("u1",), ["u2"])
    assert scope(director, "feedback_comments", (), None) is None
    assert scope(director, "feedback_comments", (), ["u2", "u1"]) == ["u1", "u2"]
    for name in ("analyst", "situation_centre", "administrator"):
        with pytest.raises(NotEntitled, match="not entitled to feedback comments"):
            scope(ROLES[name], "feedback_comments", (), None)
    for name in ("director", "supervisor", "analyst", "administrator"):
        assert scope(ROLES[name], "quality_scorecard", ("u1",), None) is None
    with pytest.raises(NotEntitled, match="not entitled to the documentation-quality"):
        scope(ROLES["situation_centre"], "quality_scorecard", (), None)


def test_the_users_command_adds_lists_and_removes(tmp_path):
    db = tmp_path / "county.duckdb"
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "esihenkilo", "--role", "supervisor",
                                "--unit", "u1", "--db", str(db)],
                          input="long enough pw\nlong enough pw\n")
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["users", "list", "--db", str(db)])
    assert "esihenkilo" in listed.output and "supervisor" in listed.output
    refused = runner.invoke(cli, ["users", "add", "x", "--role", "supervisor", "--db", str(db)],
                            input="long enough pw\nlong enough pw\n")
    assert refused.exit_code == 2 and "give at least one --unit" in refused.output
    assert "Traceback" not in refused.output
    assert runner.invoke(cli, ["users", "remove", "esihenkilo", "--db", str(db)]).exit_code == 0
    gone = runner.invoke(cli, ["users", "remove", "esihenkilo", "--db", str(db)])
    assert gone.exit_code == 2 and "No user 'esihenkilo'" in gone.output


def test_numbers_and_days_follow_the_language():
    fi, sv, en = translator("fi"), translator("sv"), translator("en")
    assert fi.number(0.6667, "share") == "66,7\xa0%"
    assert sv.number(0.6667, "share") == "66,7\xa0%"
    assert en.number(0.6667, "share") == "66.7%"
    assert fi.number(1234.5, "days") == "1\xa0234,5"
    assert en.number(7.0, "days") == "7"
    assert fi.number(None, "share") == "–"
    assert fi.day(date(2025, 3, 31)) == "31.3.2025"
    assert fi.code("profession", "nurse") == "sairaanhoitaja"
    assert sv.code("profession", "nurse") == "sjukskötare"
    assert translator("de").language == "fi"


def test_each_unit_has_its_number_format_in_each_language():
    fi, en = translator("fi"), translator("en")
    # A continuity index: two decimals.
    assert (fi.number(0.3567, "index"), en.number(0.3567, "index")) == ("0,36", "0.36")
    # A net promoter score: signed, one decimal; the language's own minus sign; no sign on 0.
    assert (fi.number(12.34, "score"), en.number(12.34, "score")) == ("+12,3", "+12.3")
    assert (fi.number(-3.25, "score"), en.number(-3.25, "score")) == ("\u22123,2", "-3.2")
    assert fi.number(0.04, "score") == "0,0"
    # Euros whole, with the currency where the language puts it.
    assert (fi.number(1234.56, "euros"), en.number(1234.56, "euros")) == (
        "1\xa0235\xa0€", "€1,235")
    # Minutes and events per person: one decimal; counts whole.
    assert (fi.number(12.345, "minutes"), fi.number(2, "per_person")) == ("12,3", "2,0")
    assert fi.number(1234, "count") == "1\xa0234"
    # A difference (a matched contrast) is signed whatever its unit.
    assert fi.number(0.4, "per_person", signed=True) == "+0,4"
    # The 95 % interval after a value: spaced when a bound has a sign, empty without one.
    assert fi.interval(0.31, 0.42, "index") == "(0,31–0,42)"
    assert en.interval(-3.2, 4.0, "score") == "(-3.2 – +4.0)"
    assert fi.interval(None, None, "score") == ""


def test_special_causes_are_told_apart_by_shape_and_the_chart_has_a_text_alternative():
    # 15 values on the mean 10 (alternating 9 and 11), then 7 values above it: a shift on the
    # higher side. Higher is better: squares; lower is better: triangles.
    values = [9, 11] * 7 + [10] + [12] * 7
    better = xmr_svg([str(i) for i in range(len(values))], xmr(values, "higher"), "higher",
                     None, "Title", "Description")
    worse = xmr_svg([str(i) for i in range(len(values))], xmr(values, "lower"), "lower",
                    None, "Title", "Description")
    assert 'role="img"' in better and 'aria-label="Title"' in better
    assert "<desc>Description</desc>" in better
    assert better.count("<rect") == 7 and "<rect" not in worse
    assert worse.count('fill="#b34700"') == 7
    assert xmr_svg([], None, None, None, "t", "d") == ""
