"""Command paths of `tilannekuva scenario run` and `tilannekuva risk` that the module tests do
not reach: a scenario started from a county database (`--db`), the files that cannot start
without one, and `risk train` / `risk report` refusing — switched off, an unknown horizon, a
county too short — with one plain message and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from county import County
from typer.testing import CliRunner

from tilannekuva.cli import app

FROM_DB = """
name = "Frozen list"
start = 2025-03-01
weeks = 6
[waiting_list]
specialty = "orthopaedics"
lookback_weeks = 4
[[classes]]
name = "non_urgent"
deadline_weeks = 10
"""


def frozen_county(path: Path) -> Path:
    """Three orthopaedic patients whose need was established on 2025-01-01 and who are still
    waiting; nothing else. On 2025-03-01 with a 4-week lookback (2025-02-01 … 02-28) the list
    had no arrivals, no treatments and no removals: arrivals 0, capacity 0, reneging 0."""
    c = County(path)
    for rid in ("R1", "R2", "R3"):
        c.add("referrals", referral_id=rid, specialty="orthopaedics", priority="non_urgent",
              received_at="2025-01-01 09:00", need_established_at="2025-01-01 10:00")
    return c.write()


def test_scenario_from_a_database_runs_the_estimated_list(tmp_path):
    """With no arrivals and no capacity the list cannot move: 3 waiting every week of every
    run. They have waited 59 days = 8.43 weeks on the start day (week 8 of waiting), so at
    the end of the first week they count as 9.5 weeks — within the 10-week deadline — and
    from the second week on as 10.5 and more: all 3 past it, share 1."""
    scenario = tmp_path / "frozen.toml"
    scenario.write_text(FROM_DB, encoding="utf-8")
    out = tmp_path / "bands.csv"
    result = CliRunner().invoke(app, [
        "scenario", "run", str(scenario), "--db", str(frozen_county(tmp_path / "c.duckdb")),
        "--runs", "20", "--months", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    bands = pd.read_csv(out, encoding="utf-8-sig")
    mine = bands[bands["class"] == "non_urgent"].set_index(["measure", "week"])
    for figure in ("mean", "p05", "p95"):
        assert mine.loc["queue", figure].tolist() == [3] * 6
        assert mine.loc["past_deadline", figure].tolist() == [0] + [3] * 5
        assert mine.loc["share_past_deadline", figure].tolist() == [0] + [1] * 5
    assert mine.loc["treated", "mean"].tolist() == [0] * 6
    assert bands.week_start.iloc[0] == "2025-03-01"


def test_scenario_needs_a_start_state_from_somewhere(tmp_path):
    scenario = tmp_path / "frozen.toml"
    scenario.write_text(FROM_DB, encoding="utf-8")
    # Without --db the file must give its own [initial].
    result = CliRunner().invoke(app, ["scenario", "run", str(scenario), "--runs", "2"])
    assert result.exit_code == 2
    assert "give `start` and an [initial] section" in " ".join(result.output.split())
    # With --db the file must say which list to read.
    scenario.write_text(FROM_DB.replace('[waiting_list]\nspecialty = "orthopaedics"\n'
                                        'lookback_weeks = 4\n', ""), encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "run", str(scenario), "--runs", "2",
                                      "--db", str(frozen_county(tmp_path / "c.duckdb"))])
    assert result.exit_code == 2
    assert "--db needs a [waiting_list] section" in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.fixture
def risk_env(tmp_path, monkeypatch):
    """The defaults, whatever the machine's environment says; returns a setter for the
    switch."""
    monkeypatch.chdir(tmp_path)
    for name in ("TILANNEKUVA_CONFIG", "TILANNEKUVA_RISK_MODEL_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    return lambda on: monkeypatch.setenv("TILANNEKUVA_RISK_MODEL_ENABLED",
                                         "true" if on else "false")


def short_county(path: Path) -> Path:
    """One person aged 74 with visits from 2024-01-02 to 2024-12-30: about a year of data."""
    c = County(path)
    c.person("P1", born="1950-06-15")
    for n, day in enumerate(("2024-01-02", "2024-06-01", "2024-12-30")):
        c.add("visits", visit_id=f"V{n}", person_id="P1", start_at=f"{day} 10:00")
    return c.write()


def test_risk_train_is_refused_while_switched_off(tmp_path, risk_env):
    risk_env(False)
    db = short_county(tmp_path / "c.duckdb")
    result = CliRunner().invoke(app, ["risk", "train", "--db", str(db)])
    assert result.exit_code == 2
    assert "switched off" in result.output
    assert not (tmp_path / "risk-24h-12m.pkl").exists()


@pytest.mark.parametrize("command", ["train", "report"])
def test_risk_commands_name_the_horizons_and_the_history_needed(tmp_path, risk_env, command):
    risk_env(True)
    db = short_county(tmp_path / "c.duckdb")
    result = CliRunner().invoke(app, ["risk", command, "--db", str(db), "--horizon", "24"])
    assert result.exit_code == 2
    assert "--horizon must be 12 or 36 months, not 24" in " ".join(result.output.split())
    # Data 2024-01-02 … 2024-12-30: a 12-month model needs 12 + 2 × 12 = 36 months.
    result = CliRunner().invoke(app, ["risk", command, "--db", str(db)])
    assert result.exit_code == 2
    assert "(36 months in all)" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "risk-24h-12m.pkl").exists()
