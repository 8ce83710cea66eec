"""Settings read from the environment or a TOML file — never from code.

Resolution order for each setting: environment variable, then the file named by
TILANNEKUVA_CONFIG (default ./tilannekuva.toml, if it exists), then the default.

    # tilannekuva.toml
    database = "county.duckdb"
    min_cell_size = 5
    spc_run_length = 7          # points in a run or trend that signal (Making Data Count: 7)
    session_hours = 8           # a dashboard sign-in lasts this long
    situation_database = "postgresql+psycopg://user@host/situation"  # default: an SQLite
                                # file situation.sqlite beside the county database
    pseudonym_key_file = "/etc/tilannekuva/pseudonym.key"   # or pseudonym_key = "..."
    scenario_dir = "scenarios"  # scenario files offered on the dashboard's /scenarios page
    risk_model_enabled = false  # the 24-hour-care risk model; on only once the county has
                                # settled its legal basis (docs/risk-model.md)

    [parameters]                # indicator parameters (indicators.sources.Parameters)
    continuity_min_visits = 3
    heavy_user_definition = "services"
    service_combinations = { ed_and_home_care = ["emergency", "home_care"] }
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TilannekuvaError

ENV_PREFIX = "TILANNEKUVA_"
DEFAULT_DATABASE = "tilannekuva.duckdb"
DEFAULT_MIN_CELL_SIZE = 5
DEFAULT_SPC_RUN_LENGTH = 7
DEFAULT_SESSION_HOURS = 8.0
MIN_KEY_LENGTH = 16


class ConfigError(TilannekuvaError):
    """A setting is missing or unusable; the message tells the user how to fix it."""


@dataclass(frozen=True)
class Settings:
    database: Path
    min_cell_size: int
    pseudonym_key: bytes | None
    spc_run_length: int = DEFAULT_SPC_RUN_LENGTH
    session_hours: float = DEFAULT_SESSION_HOURS
    #: The [parameters] table of the file, as read; see `indicator_parameters`.
    parameters: dict = field(default_factory=dict)
    #: The situation centre's database (a SQLAlchemy URL); None: `situation_url`'s default.
    situation_database: str | None = None
    #: Scenario files (*.toml) the dashboard's /scenarios page offers: the folder
    #: `scenario_dir`, by default `scenarios` in the folder the server is started from (the
    #: repository's own examples when started from its root).
    scenario_dir: Path = Path("scenarios")
    #: The 24-hour-care risk model (profiling) runs only when true; off by default because the
    #: county must first settle its legal basis (docs/risk-model.md).
    risk_model_enabled: bool = False

    @property
    def situation_url(self) -> str:
        """The situation centre's database: `situation_database`, or the SQLite file
        situation.sqlite in the county database's folder."""
        if self.situation_database:
            return self.situation_database
        return f"sqlite:///{self.database.parent / 'situation.sqlite'}"

    def indicator_parameters(self, overrides: dict | None = None, where: str = "--param"):
        """The indicators' `Parameters`: the file's [parameters], then `overrides` (from
        command-line options). Imported here, not at the top: reading settings must not load
        the analytics libraries."""
        from .indicators.sources import parameters_from

        try:
            parameters_from(self.parameters, "[parameters] in the configuration file")
            return parameters_from({**self.parameters, **(overrides or {})}, where)
        except ValueError as error:
            raise ConfigError(str(error)) from None

    def require_pseudonym_key(self) -> bytes:
        if self.pseudonym_key is None:
            raise ConfigError(
                "No pseudonymisation key is set, so identity codes cannot be replaced by "
                "pseudonyms and the import was stopped before reading any data. Set the "
                f"environment variable {ENV_PREFIX}PSEUDONYM_KEY (at least {MIN_KEY_LENGTH} "
                "characters, kept secret and the same for every import of the county), or "
                "pseudonym_key_file in tilannekuva.toml."
            )
        return self.pseudonym_key


def _file_settings() -> dict:
    path = Path(os.environ.get(f"{ENV_PREFIX}CONFIG", "tilannekuva.toml"))
    if not path.exists():
        if f"{ENV_PREFIX}CONFIG" in os.environ:
            raise ConfigError(f"Configuration file {path} (from {ENV_PREFIX}CONFIG) not found.")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"Configuration file {path} is not valid TOML: {err}") from None


def _key(file: dict) -> bytes | None:
    raw = os.environ.get(f"{ENV_PREFIX}PSEUDONYM_KEY") or file.get("pseudonym_key")
    key_file = os.environ.get(f"{ENV_PREFIX}PSEUDONYM_KEY_FILE") or file.get("pseudonym_key_file")
    if not raw and key_file:
        try:
            raw = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise ConfigError(
                f"Cannot read the pseudonymisation key file {key_file}: {err}"
            ) from None
    if not raw:
        return None
    if len(raw) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"The pseudonymisation key is {len(raw)} characters; use at least {MIN_KEY_LENGTH}."
        )
    return raw.encode("utf-8")


def _number(file: dict, name: str, kind: type, default, least) -> int | float:
    raw = os.environ.get(f"{ENV_PREFIX}{name.upper()}") or file.get(name)
    try:
        value = kind(raw) if raw is not None else default
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}.") from None
    if value < least:
        raise ConfigError(f"{name} must be at least {least}.")
    return value


def load_settings() -> Settings:
    file = _file_settings()
    database = os.environ.get(f"{ENV_PREFIX}DATABASE") or file.get("database") or DEFAULT_DATABASE
    return Settings(
        database=Path(database),
        min_cell_size=_number(file, "min_cell_size", int, DEFAULT_MIN_CELL_SIZE, 1),
        pseudonym_key=_key(file),
        spc_run_length=_number(file, "spc_run_length", int, DEFAULT_SPC_RUN_LENGTH, 2),
        session_hours=_number(file, "session_hours", float, DEFAULT_SESSION_HOURS, 0.01),
        parameters=_table(file, "parameters"),
        situation_database=(os.environ.get(f"{ENV_PREFIX}SITUATION_DATABASE")
                            or file.get("situation_database") or None),
        scenario_dir=Path(os.environ.get(f"{ENV_PREFIX}SCENARIO_DIR")
                          or file.get("scenario_dir") or "scenarios"),
        risk_model_enabled=_flag(file, "risk_model_enabled"))


def _flag(file: dict, name: str) -> bool:
    """A yes/no setting, false unless set: the environment takes true/false, yes/no, 1/0."""
    raw = os.environ.get(f"{ENV_PREFIX}{name.upper()}")
    value = file.get(name, False) if raw is None else raw.strip().lower()
    if value in (True, "true", "yes", "1"):
        return True
    if value in (False, "false", "no", "0", ""):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def _table(file: dict, name: str) -> dict:
    value = file.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name} in the configuration file must be a table ([{name}]).")
    return value
