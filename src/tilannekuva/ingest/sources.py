"""Where rows come from: CSV and Parquet files and tables in any database Ibis can reach.

Every source is read into Arrow with all columns as strings plus a `_line` column, so that type
coercion and validation happen in one place (DuckDB SQL) whatever the source format, and a bad
value can be reported exactly as it was read.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..privacy.identity_codes import redact_identity_codes
from ..schema import TABLES_BY_NAME, Table
from .errors import IngestError

LINE = "_line"
#: Set on a CSV record that could not be split into the header's fields: why, with the record's
#: text (identity codes redacted). Its data columns are empty; the row is quarantined.
MALFORMED = "_malformed"
CSV_DELIMITERS = (",", ";", "\t")
_HASH_CHUNK = 1 << 22
_USERINFO = re.compile(r"//[^/@]*@")


@dataclass(frozen=True)
class Source:
    """One source as given on the command line.

    `location` is a file path or a connection URL; for a database, `db_table` is the table to read
    (`URL#table`, or the target table's name when no `#table` is given).
    """

    location: str
    kind: str  # "csv", "parquet" or "database"
    db_table: str | None = None

    @property
    def label(self) -> str:
        """How the source is named in the import log, quarantine and messages: credentials and
        identity codes removed."""
        text = self.location
        if self.kind == "database":
            # user:password@ and ?options (which may hold a password) are left out
            without_options = text.split("?", 1)[0]
            text = _USERINFO.sub("//", without_options) + "#" + (self.db_table or "")
        return redact_identity_codes(text)

    @property
    def stem(self) -> str:
        return self.db_table if self.kind == "database" else Path(self.location).stem


def parse_source(text: str, table: str | None = None) -> Source:
    """Recognise a file by its suffix, a database by `scheme://`; a database source without
    `#table` reads the table named like the target (`table`)."""
    if "://" in text:
        url, _, db_table = text.partition("#")
        return Source(url, "database", db_table or table)
    suffix = Path(text).suffix.lower()
    kinds = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
    if suffix not in kinds:
        raise IngestError(
            f"{redact_identity_codes(text)}: unknown file type {suffix or '(none)'!r}; give a .csv "
            "or .parquet file, or a database URL such as duckdb:///county.db#visits."
        )
    if not Path(text).is_file():
        raise IngestError(f"{redact_identity_codes(text)}: file not found.")
    return Source(text, kinds[suffix])


def resolve_target(source: Source, table: str | None) -> Table:
    """The canonical table a source loads into: `table` if given, else the longest canonical
    table name the source's name starts with (visits_2024.csv → visits)."""
    if table is not None:
        if table not in TABLES_BY_NAME:
            known = ", ".join(TABLES_BY_NAME)
            raise IngestError(f"Unknown table {table!r}; known tables: {known}.")
        return TABLES_BY_NAME[table]
    stem = (source.stem or "").lower()
    matches = [name for name in TABLES_BY_NAME if stem.startswith(name)]
    if not matches:
        raise IngestError(
            f"{source.label}: cannot tell which table this is for from its name; name the file "
            "after a canonical table (e.g. visits_2024.csv) or give --table."
        )
    longest = max(matches, key=len)
    if sum(len(m) == len(longest) for m in matches) > 1:
        raise IngestError(f"{source.label}: the name matches several tables; give --table.")
    return TABLES_BY_NAME[longest]


def source_columns(source: Source) -> list[str]:
    """Column names of the source, read without reading its rows."""
    if source.kind == "csv":
        return _csv_header(source.location)[0]
    if source.kind == "parquet":
        return pq.read_schema(source.location).names
    return list(_database_table(source).schema().names)


def file_sha256(path: str) -> tuple[str, bool]:
    """(SHA-256 of the file, whether it contains a double quote — only then can a CSV value
    hold a line break)."""
    digest, quoted = hashlib.sha256(), False
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
            quoted = quoted or b'"' in chunk
    return digest.hexdigest(), quoted


def read_strings(source: Source, quoted: bool = True) -> pa.Table:
    """All rows of the source, every column as a string, plus `_line` and `_malformed`."""
    try:
        if source.kind == "csv":
            return _read_csv(source.location, quoted)
        if source.kind == "parquet":
            return _with_row_numbers(_as_strings(pq.read_table(source.location)))
        return _with_row_numbers(_as_strings(_database_table(source).to_pyarrow()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as err:
        message = redact_identity_codes(str(err))
        raise IngestError(f"{source.label}: cannot read it: {message}") from None


def table_sha256(data: pa.Table) -> str:
    """Content hash of a database table as read (rows in the order the database returned)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _csv_header(path: str) -> tuple[list[str], str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise IngestError(f"{redact_identity_codes(path)}: the first line must be a header row.")
    delimiter = max(CSV_DELIMITERS, key=first.count)
    return next(csv.reader([first], delimiter=delimiter)), delimiter


def _read_csv(path: str, quoted: bool) -> pa.Table:
    header, delimiter = _csv_header(path)
    data, malformed = _parse_csv(path, header, delimiter, quoted, threads=True)
    if malformed:  # only a single-threaded read tells where a bad record stands
        data, malformed = _parse_csv(path, header, delimiter, quoted, threads=False)
    lines, malformed_lines = _physical_lines(
        data, quoted, np.array([record for record, _ in malformed], np.int64))
    data = data.append_column(LINE, pa.array(lines))
    data = data.append_column(MALFORMED, pa.nulls(data.num_rows, pa.string()))
    if not malformed:
        return data
    bad = pa.table({
        **{name: pa.nulls(len(malformed), pa.string()) for name in header},
        LINE: pa.array(malformed_lines),
        MALFORMED: pa.array([detail for _, detail in malformed], pa.string()),
    })
    return pa.concat_tables([data, bad]).sort_by(LINE)


def _parse_csv(
    path: str, header: list[str], delimiter: str, quoted: bool, threads: bool
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """The records as strings, and (line, reason) for each record with the wrong number of
    fields (line is known only when `threads` is off)."""
    malformed: list[tuple[int, str]] = []

    def keep_aside(row) -> str:
        text = redact_identity_codes(row.text)
        malformed.append((row.number or 0, f"the record has {row.actual_columns} fields where "
                          f"the header has {row.expected_columns}: {text}"))
        return "skip"

    data = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=quoted, invalid_row_handler=keep_aside),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return data, malformed


def _physical_lines(
    data: pa.Table, quoted: bool, malformed_records: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Physical line of each good record and of each malformed one (given by its record number,
    the header being record 1). The header is line 1; a line break inside a quoted value moves
    every later record one line down."""
    records = np.arange(2, data.num_rows + 2, dtype=np.int64)
    malformed_records = np.sort(malformed_records)
    if malformed_records.size:
        shift = np.zeros_like(records)
        while True:  # a good record's number is its position plus the bad records before it
            new = np.searchsorted(malformed_records, records + shift, side="right")
            if np.array_equal(new, shift):
                break
            shift = new
        records += shift
    per_record = np.zeros_like(records)
    if quoted and data.num_rows:
        breaks = [pc.count_substring(column, "\n") for column in data.columns]
        per_record = pc.fill_null(_sum(breaks), 0).to_numpy()
    breaks_through = np.concatenate([[0], np.cumsum(per_record)])  # [k]: in the first k records
    # a bad record's own line breaks are unknown (its text was not split); those before it count
    good_before_bad = np.searchsorted(records, malformed_records)
    return (records + breaks_through[:-1],
            malformed_records + breaks_through[good_before_bad])


def _sum(arrays: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    total = pc.fill_null(arrays[0], 0)
    for array in arrays[1:]:
        total = pc.add(total, pc.fill_null(array, 0))
    return pc.cast(total, pa.int64())


def _as_strings(data: pa.Table) -> pa.Table:
    return pa.table({name: pc.cast(data[name], pa.string()) for name in data.column_names})


def _with_row_numbers(data: pa.Table) -> pa.Table:
    data = data.append_column(LINE, pa.array(np.arange(1, data.num_rows + 1, dtype=np.int64)))
    return data.append_column(MALFORMED, pa.nulls(data.num_rows, pa.string()))


def _database_table(source: Source):
    import ibis  # imported here: connecting to databases is the rare path and ibis loads slowly

    if not source.db_table:
        raise IngestError(f"{source.label}: name the table to read, as URL#table or --table.")
    try:
        return ibis.connect(source.location).table(source.db_table)
    except Exception as err:  # noqa: BLE001 - any backend's failure means the same to the user
        raise IngestError(
            f"{source.label}: cannot read table {source.db_table!r}: "
            f"{redact_identity_codes(str(err))}"
        ) from None
