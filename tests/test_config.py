"""Settings come from the environment or a TOML file, and a missing key is a clear error."""

import pytest

from tilannekuva.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("PSEUDONYM_KEY", "PSEUDONYM_KEY_FILE", "CONFIG", "DATABASE", "MIN_CELL_SIZE"):
        monkeypatch.delenv(f"TILANNEKUVA_{name}", raising=False)
    monkeypatch.chdir(tmp_path)


def test_missing_key_is_a_clear_error():
    settings = load_settings()
    with pytest.raises(ConfigError, match="TILANNEKUVA_PSEUDONYM_KEY"):
        settings.require_pseudonym_key()


def test_short_key_is_refused(monkeypatch):
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "short")
    with pytest.raises(ConfigError, match="at least 16"):
        load_settings()


def test_environment_wins_over_file(monkeypatch, tmp_path):
    (tmp_path / "tilannekuva.toml").write_text(
        'database = "from-file.duckdb"\nmin_cell_size = 10\npseudonym_key = "file-key-0123456789"\n'
    )
    settings = load_settings()
    assert (str(settings.database), settings.min_cell_size) == ("from-file.duckdb", 10)
    assert settings.require_pseudonym_key() == b"file-key-0123456789"
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "env-key-0123456789")
    monkeypatch.setenv("TILANNEKUVA_MIN_CELL_SIZE", "3")
    settings = load_settings()
    assert settings.require_pseudonym_key() == b"env-key-0123456789"
    assert settings.min_cell_size == 3


def test_key_file(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("a-secret-key-from-a-file\n")
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY_FILE", str(tmp_path / "key"))
    assert load_settings().require_pseudonym_key() == b"a-secret-key-from-a-file"


def test_defaults():
    settings = load_settings()
    assert settings.min_cell_size == 5
    assert str(settings.database) == "tilannekuva.duckdb"


@pytest.mark.parametrize("value", ["0", "many"])
def test_bad_min_cell_size(monkeypatch, value):
    monkeypatch.setenv("TILANNEKUVA_MIN_CELL_SIZE", value)
    with pytest.raises(ConfigError, match="min_cell_size"):
        load_settings()
