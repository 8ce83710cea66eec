"""Writes a result table to a file whose suffix names the format. CSV is UTF-8 with a byte-order
mark, so Excel opens Finnish and Swedish letters correctly; Excel files are .xlsx (openpyxl)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import TilannekuvaError

EXPORT_FORMATS = (".csv", ".parquet", ".xlsx")


def write_table(rows: pd.DataFrame, path: Path, sheet: str = "tilannekuva") -> Path:
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise TilannekuvaError(
            f"Cannot write {path}: the file name must end in {', '.join(EXPORT_FORMATS)}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        rows.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        rows.to_parquet(path, index=False)
    else:
        rows.to_excel(path, index=False, sheet_name=sheet[:31])
    return path


#: Formats a table can be downloaded in from the dashboard and the API, with their media types.
DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_bytes(rows: pd.DataFrame, fmt: str, sheet: str = "tilannekuva") -> bytes:
    """The table as a downloadable file in `fmt` (csv or xlsx), encoded as `write_table` does."""
    if fmt == "csv":
        return rows.to_csv(index=False).encode("utf-8-sig")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        rows.to_excel(buffer, index=False, sheet_name=sheet[:31])
        return buffer.getvalue()
    raise TilannekuvaError(f"Unknown download format {fmt!r}; use csv or xlsx.")
