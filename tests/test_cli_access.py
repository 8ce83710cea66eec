"""`tilannekuva indicators` and `tilannekuva overdue` end to end on a hand-built county: the
exported figures equal the hand-worked ones, the overdue list needs a scope and is audited."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from county import County
from typer.testing import CliRunner

from tilannekuva.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("TILANNEKUVA_MIN_CELL_SIZE", raising=False)
    monkeypatch.chdir(tmp_path)
    c = County(tmp_path / "county.duckdb")
    # Six persons assessed on 2024-04-01 (P3, 14 days: due 2024-04-15), seen after 2, 4, 6, 8,
    # 20 and 30 days: 4 of 6 in time, in April (4 visits) and May (the 30-day wait ends 05-01).
    for n, day in enumerate(("04-03", "04-05", "04-07", "04-09", "04-21", "05-01"), start=1):
        c.person(f"P{n}").add("care_need_assessments", assessment_id=f"A{n}", person_id=f"P{n}",
                              assessed_at="2024-04-01 09:00")
        c.add("visits", visit_id=f"V{n}", person_id=f"P{n}", assessment_id=f"A{n}",
              start_at=f"2024-{day} 10:00")
    # P7 assessed 2024-04-01, never seen: overdue from 2024-04-16.
    c.person("P7").add("care_need_assessments", assessment_id="A7", person_id="P7",
                       assessed_at="2024-04-01 09:00")
    return c.write()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_indicators_export_the_hand_worked_figures(db, tmp_path, suffix):
    out = tmp_path / f"compliance{suffix}"
    result = run("indicators", "--db", db, "-i", "primary_care_within_deadline",
                 "--start", "2024-01-01", "--end", "2024-12-31", "--period", "year",
                 "--out", out)
    assert result.exit_code == 0, result.output
    read = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix]
    rows = read(out)
    assert rows[["period", "numerator", "denominator"]].astype(str).values.tolist() == [
        ["2024", "4", "6"]]
    assert rows["value"].iloc[0] == pytest.approx(4 / 6)


def test_indicators_by_month_suppress_cells_of_fewer_than_five_persons(db):
    # April: 5 persons (4 in time) — shown. May: 1 person — suppressed.
    result = run("indicators", "--db", db, "-i", "primary_care_within_deadline",
                 "--start", "2024-04-01", "--end", "2024-05-31")
    assert result.exit_code == 0, result.output
    assert "80.0%" in result.output
    may = next(line for line in result.output.splitlines() if "2024-05" in line)
    assert "–" in may and "100" not in may


def test_indicators_refuse_an_unknown_indicator_or_dimension_in_words(db):
    result = run("indicators", "--db", db, "-i", "nonsense")
    assert result.exit_code == 2 and "no indicator 'nonsense'" in result.output
    result = run("indicators", "--db", db, "-i", "t3", "--by", "contact_type")
    assert result.exit_code == 2
    assert "cannot be broken down or filtered by contact_type" in result.output
    assert "Traceback" not in result.output


def test_overdue_needs_a_scope_lists_the_hand_worked_person_and_is_audited(db, tmp_path):
    result = run("overdue", "--db", db, "--as-of", "2024-04-20")
    assert result.exit_code == 2 and "unit scope" in result.output
    out = tmp_path / "overdue.csv"
    result = run("overdue", "--db", db, "--as-of", "2024-04-20", "--unit", "U1", "--out", out)
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out)
    # P7: due 2024-04-15, 5 days over on 04-20. P5 (seen 04-21) and P6 (05-01) are also
    # still waiting past the due date on 04-20: 5 and 5 days over.
    assert sorted(rows[["person_id", "days_over"]].values.tolist()) == [
        ["P5", 5], ["P6", 5], ["P7", 5]]
    with duckdb.connect(str(db), read_only=True) as con:
        (user, action, scope, shown), = con.execute(
            "SELECT user_name, action, scope, rows FROM audit_log").fetchall()
    assert action == "overdue_list" and shown == 3 and user
    assert json.loads(scope)["units"] == ["U1"]


def test_a_parameter_from_the_command_line_or_the_file_changes_the_figures(db, tmp_path):
    """The six persons (born 1980-06-15) are 43 on 2024-04-01: in the default band 23–64, and
    in 0–49 when the bands are set to start at 0 and 50."""
    args = ("indicators", "--db", db, "-i", "primary_care_within_deadline", "--start",
            "2024-01-01", "--end", "2024-12-31", "--period", "year", "--by", "age_band")
    default = run(*args)
    assert default.exit_code == 0 and "23–64" in default.output, default.output
    chosen = run(*args, "--param", "age_bands=[0, 50]")
    assert chosen.exit_code == 0 and "0–49" in chosen.output and "23–64" not in chosen.output
    (tmp_path / "tilannekuva.toml").write_text("[parameters]\nage_bands = [0, 50]\n")
    assert "0–49" in run(*args).output
    (tmp_path / "tilannekuva.toml").write_text("[parameters]\nage_band = [0, 50]\n")
    refused = run(*args)
    assert refused.exit_code == 2 and "unknown parameter 'age_band'" in refused.output
    assert "[parameters] in the configuration file" in refused.output


def test_a_bad_parameter_or_capability_is_refused_in_words(db):
    result = run("indicators", "--db", db, "--param", "heavy_user_top_share=2")
    assert result.exit_code == 2 and "heavy_user_top_share must be between 0 and 1" in (
        result.output)
    result = run("indicators", "--db", db, "--param", "continuity_min_visits")
    assert result.exit_code == 2 and "write NAME=VALUE" in result.output
    result = run("indicators", "--db", db, "--group", "nonsense")
    assert result.exit_code == 2 and "No capability 'nonsense'" in result.output
    assert "Traceback" not in result.output
