"""Writes a result table to a file whose suffix names the format. CSV is UTF-8 with a byte-order
mark, so Excel opens Finnish and Swedish letters correctly; Excel files are .xlsx (openpyxl)."""

from __future__ import annotations

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
