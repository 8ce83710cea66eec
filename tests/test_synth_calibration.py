"""The default county (70,000 residents × 3 years) lands within every calibration tolerance."""

import pytest

from tilannekuva.store import open_store
from tilannekuva.synth import TARGETS, measure_calibration, synthesize_county


@pytest.fixture(scope="session")
def default_county(tmp_path_factory):
    path = tmp_path_factory.mktemp("default") / "county.duckdb"
    synthesize_county(path)
    con = open_store(path, read_only=True)
    yield {m.name: m for m in measure_calibration(con)}
    con.close()


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_default_county_within_tolerance(default_county, target):
    measured = default_county[target.name]
    assert measured.within, (f"{target.name}: measured {measured.value}, target "
                             f"{target.low}–{target.high}")
