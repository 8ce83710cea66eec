"""The command-line tool end to end: real files, real DuckDB, messages a user can act on."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tilannekuva.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("PSEUDONYM_KEY", "PSEUDONYM_KEY_FILE", "CONFIG", "DATABASE", "MIN_CELL_SIZE"):
        monkeypatch.delenv(f"TILANNEKUVA_{name}", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return runner.invoke(app, list(args))


def test_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("demo", "synth", "import", "quarantine", "headline", "schema-docs",
                    "rules-docs"):
        assert command in result.output


def test_import_without_key_stops_with_a_message_not_a_traceback(tmp_path):
    (tmp_path / "persons.csv").write_text(
        "person_id,birth_date,sex,municipality\nP1,1980-01-01,1,272\n")
    result = run("import", "persons.csv", "--db", "county.duckdb")
    assert result.exit_code == 2
    assert "TILANNEKUVA_PSEUDONYM_KEY" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "county.duckdb").exists()


def test_import_then_quarantine_report(tmp_path, monkeypatch):
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "a-test-key-of-enough-length")
    (tmp_path / "persons.csv").write_text(
        "person_id,birth_date,sex,municipality\nP1,1980-01-01,1,272\nP2,1990-02-30,2,272\n")
    result = run("import", "persons.csv", "--db", "county.duckdb")
    assert result.exit_code == 0, result.output
    assert "wrong_type 1" in result.output  # 30 February does not exist
    report = run("quarantine", "--db", "county.duckdb")
    assert report.exit_code == 0
    assert "birth_date" in report.output and "persons.csv" in report.output
    again = run("import", "persons.csv", "--db", "county.duckdb")
    assert "already imported" in again.output


def test_unknown_file_type_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "a-test-key-of-enough-length")
    (tmp_path / "visits.xlsx").write_text("x")
    result = run("import", "visits.xlsx", "--db", "county.duckdb")
    assert result.exit_code == 2
    assert "unknown file type" in result.output


def test_synth_headline_and_refusal_to_overwrite(tmp_path):
    result = run("synth", "--db", "small.duckdb", "--residents", "2000", "--years", "1")
    assert result.exit_code == 0, result.output
    assert "persons" in result.output and "2,000" in result.output
    again = run("synth", "--db", "small.duckdb", "--residents", "2000", "--years", "1")
    assert again.exit_code == 2
    assert "already exists" in again.output
    headline = run("headline", "--db", "small.duckdb")
    assert headline.exit_code == 0, headline.output
    assert "Continuity of care" in headline.output


def test_synth_parquet_only(tmp_path):
    result = run("synth", "--residents", "1000", "--years", "1", "--parquet-only",
                 "--parquet-dir", "out")
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "out" / "visits").glob("*.parquet"))
    assert not (tmp_path / "tilannekuva.duckdb").exists()


def test_headline_of_missing_database(tmp_path):
    result = run("headline", "--db", "nowhere.duckdb")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_schema_docs_writes_the_reference(tmp_path):
    result = run("schema-docs", "--out", "schema.md")
    assert result.exit_code == 0
    assert (tmp_path / "schema.md").read_text().startswith("# Canonical schema reference")
