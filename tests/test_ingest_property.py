"""Whatever the rows hold, every row read is either accepted or quarantined."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from conftest import KEY, query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tilannekuva.config import Settings
from tilannekuva.ingest import import_sources

COLUMNS = ["person_id", "birth_date", "sex", "municipality", "language", "death_date"]
cell = st.one_of(
    st.sampled_from(["", "P1", "P2", "1", "2", "9", "272", "fi", "1990-01-01", "31.2.2020",
                     "131052-308T", "131052-308U", "131052-", "2100-01-01", "x"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
            max_size=12),
)
rows = st.lists(st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_read_equals_accepted_plus_quarantined(data: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "persons.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([COLUMNS, *data])
        store = Path(folder) / "county.duckdb"
        config = Settings(database=store, min_cell_size=5, pseudonym_key=KEY)
        [result] = import_sources(store, [str(path)], None, config)
        assert result.rows_read == len(data)
        assert result.rows_read == result.inserted + result.unchanged + result.quarantined
        assert query(store, "SELECT count(*) FROM persons") == [(result.inserted,)]
        assert query(store, "SELECT count(*) FROM quarantine") == [(result.quarantined,)]
