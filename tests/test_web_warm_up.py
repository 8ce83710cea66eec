"""Stopping a server while it warms up (`tilannekuva serve` computes the views people open
first in a background thread): the warm-up must end with the server, between indicators or by
interrupting its query, rather than be left querying DuckDB as the interpreter exits (which
aborts the process)."""

from __future__ import annotations

import threading

import web_county
from fastapi.testclient import TestClient

from tilannekuva.config import Settings
from tilannekuva.web.app import create_app


def test_stopping_the_server_ends_its_warm_up(tmp_path):
    db = web_county.build(tmp_path / "county.duckdb")
    app = create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None), warm=True)
    figures = app.state.figures
    with TestClient(app) as client:  # start-up, then shutdown when the block ends
        assert client.get("/health").status_code == 200
        warming = next(t for t in threading.enumerate() if t.name == "warm-up")
    # Shutdown has stopped the warm-up thread before all views were computed: the small
    # county's warm-up computes every indicator of the overview and the access and T3 pages
    # once per unit, far more than the moment between start-up and shutdown allows.
    assert not warming.is_alive()
    done, total = figures.warm_up
    assert total == 0 or done < total
