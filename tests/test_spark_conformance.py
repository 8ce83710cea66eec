"""Spark conformance: every indicator in the registry gives the same output on DuckDB (the
default engine) and on PySpark in local mode, computed from the same synthetic county.

The county is generated once per test session into a DuckDB file and, from the same run, the
Parquet files that Spark reads (`backends.register_parquet`), so both engines see identical
rows. Each indicator is computed monthly over the whole data range (the first to the last day
any wait starts, as `Sources.start_dates` reads it: the generated years, the referral and
decision backlog before them and a partial last month), once without dimensions and once by
its first dimension, each at min_cell_size 1 and 5 (suppression depends on the distinct-person
counts the engines compute); an indicator defined only by year (heavy users) by year. The frames
must match row for row: periods, dimension values, numerators, denominators and suppression
exactly, values and confidence intervals to 1e-9 relative (the same arithmetic in another
engine's floating point).

Indicators are taken from the registry when the tests are collected, so an indicator added to
any capability module is covered without touching this file. docs/spark.md says what this
guarantees for a county running on a Spark cluster.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import SparkSession
from situation_story import add_traffic

from tilannekuva.indicators import REGISTRY, Query, Sources, backends, compute
from tilannekuva.indicators.suppression import FIGURES
from tilannekuva.store import TIMEZONE
from tilannekuva.synth import synthesize_county

pytestmark = [
    pytest.mark.slow,
    # Raised inside PySpark's toPandas by pandas 3, not by Tilannekuva.
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

RESIDENTS, YEARS, SEED = 3_000, 3, 7


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture county as a DuckDB store and as the Parquet files it was loaded from, with
    situation-centre traffic exported into its canonical tables (`situation_story`), which the
    synthetic county generator does not write."""
    folder = tmp_path_factory.mktemp("spark-conformance")
    database, parquet = folder / "county.duckdb", folder / "parquet"
    synthesize_county(database, residents=RESIDENTS, years=YEARS, seed=SEED,
                      parquet_dir=parquet, workers=1)
    add_traffic(database, parquet, f"sqlite:///{folder / 'situation.sqlite'}")
    return database, parquet


@pytest.fixture(scope="session")
def spark_session():
    """Spark in local mode, sized for a CI runner with two cores: few shuffle partitions (the
    data are small), no UI, a modest driver."""
    session = (SparkSession.builder.master("local[2]")
               .appName("tilannekuva-conformance")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", TIMEZONE)
               .config("spark.ui.enabled", "false")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def engines(county: tuple[Path, Path], spark_session) -> tuple[Sources, Sources]:
    """`Sources` over DuckDB and over Spark, shared by all indicators as in one real run (so
    wait kinds cached by `Sources.cached` are computed once per engine)."""
    database, parquet = county
    backends.register_parquet(spark_session, parquet)
    return Sources(backends.duckdb_file(database)), Sources(backends.spark(spark_session))


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by everything but the figures: the engines may return groups in any
    order."""
    keys = [c for c in frame.columns if c not in FIGURES]
    return frame.sort_values(keys, na_position="last", ignore_index=True)


def _queries(indicator_id: str, duck: Sources) -> list[tuple[Query, int]]:
    """Monthly, or by the indicator's own grain when it has no months (heavy users: years)."""
    first, last = duck.start_dates
    indicator = REGISTRY[indicator_id]
    dimensions = indicator.dimensions
    grain = "month" if "month" in indicator.grains else indicator.grains[0]
    breakdowns = [(), *([dimensions[:1]] if dimensions else [])]
    return [(Query((indicator_id,), first, last, grain, dims), min_cell_size)
            for dims in breakdowns for min_cell_size in (1, 5)]


@pytest.mark.parametrize("indicator_id", list(REGISTRY))
def test_indicator_is_the_same_on_duckdb_and_spark(indicator_id: str, engines) -> None:
    duck, spark = engines
    for query, min_cell_size in _queries(indicator_id, duck):
        case = f"{indicator_id} by {query.dimensions or 'nothing'}, min_cell_size {min_cell_size}"
        expected = _in_order(compute(duck, query, min_cell_size))
        actual = _in_order(compute(spark, query, min_cell_size))
        if min_cell_size == 1 and not query.dimensions:
            assert expected["value"].notna().any(), (
                f"{case}: the fixture county gives no figures on DuckDB, so Spark is compared "
                "with nothing; make the synthetic county produce this indicator's events")
        computed = ["value", "low", "high"]
        pd.testing.assert_frame_equal(actual.drop(columns=computed),
                                      expected.drop(columns=computed), obj=case)
        for column in computed:
            pd.testing.assert_series_equal(actual[column], expected[column], check_exact=False,
                                           rtol=1e-9, atol=1e-12, obj=f"{case}: {column}")


def test_overdue_list_is_the_same_on_duckdb_and_spark(engines) -> None:
    """The person-level list too: every wait kind, whole county, on the last day of the data
    with a week ahead."""
    from tilannekuva.indicators.overdue import overdue

    duck, spark = engines
    day = duck.start_dates[1]
    expected = overdue(duck, day, None, 7)
    assert len(expected) > 0, "the fixture county has nobody on the overdue list"
    pd.testing.assert_frame_equal(_in_order(overdue(spark, day, None, 7)), _in_order(expected),
                                  check_dtype=False)
