"""Turning generated columns into Arrow tables that match the canonical schema, and streaming
them to Parquet part files (one directory per table).

The Arrow schema is derived from `schema.tables`, never restated: a generator hands over a dict
of the columns it produced, the writer adds the optional columns it left out as nulls and refuses
names the schema does not know. Timestamps are written timezone-aware: the generator works in
naive Helsinki local time, and `pyarrow.compute.assume_timezone` attaches Europe/Helsinki (times
that fall into the spring-forward gap move to the earliest valid instant), so the Parquet files
are self-describing for any reader (DuckDB, Spark, pandas) and load as TIMESTAMPTZ as they are.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..schema import TABLES_BY_NAME, codes
from ..store import TIMEZONE

ARROW_TYPES = {
    "id": pa.string(),
    "string": pa.string(),
    "text": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("ms", tz=TIMEZONE),
}


@cache
def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type], nullable=not c.required)
                      for c in TABLES_BY_NAME[table].columns])


@cache
def _code_dictionary(code_list: str) -> pa.StringArray:
    return pa.array(codes(code_list), pa.string())


def code_index(code_list: str, values: list[str]) -> np.ndarray:
    """Positions of `values` in a code list; fails loudly on a code the list does not have."""
    known = codes(code_list)
    return np.array([known.index(v) for v in values], dtype=np.int64)


def coded(code_list: str, index: np.ndarray) -> pa.Array:
    """A string column from positions in code list `code_list`; negative positions are null."""
    index = np.asarray(index, dtype=np.int64)
    positions = pa.array(index, mask=index < 0)
    return pc.take(_code_dictionary(code_list), positions)


def pick(code_list: str, rng: np.random.Generator, n: int,
         shares: dict[str, float]) -> np.ndarray:
    """`n` positions in a code list drawn with the given shares (normalised)."""
    values = code_index(code_list, list(shares))
    p = np.array(list(shares.values()), dtype=np.float64)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def _column(values, field: pa.Field) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == field.type else values.cast(field.type)
    values = np.asarray(values)
    if pa.types.is_timestamp(field.type):
        local = pa.array(values.astype("datetime64[ms]"), from_pandas=True)
        return pc.assume_timezone(local, TIMEZONE, ambiguous="earliest",
                                  nonexistent="earliest")
    if pa.types.is_date(field.type):
        return pa.array(values.astype("datetime64[D]"), from_pandas=True).cast(pa.date32())
    if values.dtype.kind == "f" and not pa.types.is_floating(field.type):
        return pa.array(values, from_pandas=True).cast(field.type)
    return pa.array(values, type=field.type)


def to_arrow(table: str, columns: dict) -> pa.Table:
    """An Arrow table of canonical table `table` from generated `columns`."""
    schema = arrow_schema(table)
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise KeyError(f"{table}: generated columns not in the schema: {sorted(unknown)}")
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{table}: columns of different lengths {lengths}")
    n = lengths.pop() if lengths else 0
    arrays = [_column(columns[f.name], f) if f.name in columns else pa.nulls(n, f.type)
              for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def write_part(out_dir: Path, table: str, part: str, data: pa.Table) -> None:
    """Write one part file ``<out_dir>/<table>/<part>.parquet`` (skipped when empty)."""
    if data.num_rows == 0:
        return
    directory = out_dir / table
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, directory / f"{part}.parquet", compression="snappy")
