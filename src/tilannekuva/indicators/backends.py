"""Connections to the engines the indicators run on. The default is the county's DuckDB file;
`spark` wraps a SparkSession (local mode in the tests, a cluster in production — see
docs/spark.md). Both read times in Helsinki time, so a timestamp's date is the local date."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import ibis

from ..errors import TilannekuvaError
from ..schema import TABLES
from ..store import TIMEZONE

#: Spark SQL type of each logical column type of the canonical schema (see schema.model).
SPARK_TYPES = {
    "id": "string",
    "string": "string",
    "text": "string",
    "int": "bigint",
    "float": "double",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


def duckdb_file(path: str | Path) -> ibis.BaseBackend:
    """The county's DuckDB file, read-only: computing indicators never changes the data."""
    path = Path(path)
    if not path.exists():
        raise TilannekuvaError(
            f"County database {path} not found. Create one with `tilannekuva import` or "
            "`tilannekuva synth`, or point at it with --db or TILANNEKUVA_DATABASE.")
    backend = ibis.duckdb.connect(str(path), read_only=True)
    backend.raw_sql(f"SET TimeZone = '{TIMEZONE}'")
    # Nothing relies on the order of rows from a query (the engine sorts its small result),
    # and not keeping it lets DuckDB stream joins and aggregates in parallel.
    backend.raw_sql("SET preserve_insertion_order = false")
    return backend


@cache
def _spark_backend() -> type[ibis.BaseBackend]:
    """ibis' PySpark backend with two fixes for in-memory tables (`ibis.memtable`: the deadline
    table, the as-of days), whose wrong results would otherwise differ from DuckDB's silently:

    - ibis 12 registers a memtable through pandas, where an integer column with nulls becomes
      float NaN; Spark then stores the floats in an integer column unchecked and reads them
      as null. The deadline table's age limits (int, null for "no limit") became all null and
      an age-limited rule (T1, under 23) judged every age. Here the table goes to Spark as
      Arrow, typed by its Ibis schema.
    - `Table.cache()` (see `Sources.cached`) compiles its query without registering the
      memtables it reads, so Spark fails with TABLE_OR_VIEW_NOT_FOUND.

    Imported here, not at the top, because PySpark is an optional dependency."""
    try:
        from ibis.backends.pyspark import Backend
        from ibis.backends.pyspark.datatypes import PySparkSchema
    except ImportError as error:
        raise TilannekuvaError(
            "Running on Spark needs PySpark: pip install 'tilannekuva[spark]'.") from error

    class SparkBackend(Backend):
        def _register_in_memory_table(self, op) -> None:
            frame = self._session.createDataFrame(op.data.to_pyarrow(op.schema),
                                                  schema=PySparkSchema.from_ibis(op.schema))
            frame.createOrReplaceTempView(op.name)

        def _create_cached_table(self, name, expr):
            self._register_in_memory_tables(expr)
            return super()._create_cached_table(name, expr)

    if ibis.options.pyspark is None:  # set when ibis loads a backend by name; the compiler reads it
        SparkBackend.register_options()
    return SparkBackend


def spark(session) -> ibis.BaseBackend:
    """An Ibis backend over a SparkSession whose catalogue (current database) or temporary
    views (see `register_parquet`) hold the canonical tables.

    The session time zone is set to Helsinki *through* the connect call: ibis' PySpark backend
    resets it to UTC on connect, and then a timestamp's date would be the UTC date, which
    differs from DuckDB's for every event between midnight and 02:00/03:00 local time."""
    return _spark_backend()().connect(session, **{"spark.sql.session.timeZone": TIMEZONE})


def register_parquet(session, folder: str | Path) -> None:
    """Registers `<folder>/<table>` (a directory of Parquet part files, as `tilannekuva synth`
    and Spark itself write them) as a temporary view per canonical table. `folder` is anything
    Spark reads: a local path, hdfs://, s3a://, abfss://.

    Each view has exactly the canonical columns cast to their canonical types, so files
    written by another tool (int32 for int64, say) read the same as the DuckDB store. A table
    with no directory becomes an empty view: the synthetic generator writes no files for an
    empty table, and an indicator over it must count nothing rather than fail. A folder with
    none of the tables is an error, not an empty county.

    Timestamps without a zone (TIMESTAMP_NTZ) are read as Helsinki wall-clock times, as the
    import reads them: the cast binds the session time zone when the view is created, so it
    is set first."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    session.conf.set("spark.sql.session.timeZone", TIMEZONE)
    found = 0
    for table in TABLES:
        columns = [F.col(c.name).cast(SPARK_TYPES[c.type]).alias(c.name) for c in table.columns]
        try:
            frame = session.read.parquet(f"{str(folder).rstrip('/')}/{table.name}")
            found += 1
        except AnalysisException as error:
            if error.getCondition() != "PATH_NOT_FOUND":
                raise
            ddl = ", ".join(f"`{c.name}` {SPARK_TYPES[c.type]}" for c in table.columns)
            frame = session.createDataFrame([], ddl)
        frame.select(*columns).createOrReplaceTempView(table.name)
    if not found:
        raise TilannekuvaError(
            f"No canonical table found under {folder}: expected one directory of Parquet "
            "files per table (persons/, units/, visits/, ...).")
