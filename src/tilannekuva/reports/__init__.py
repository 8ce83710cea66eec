"""Getting figures out: tables written as CSV, Parquet or Excel."""

from .tables import EXPORT_FORMATS, write_table

__all__ = ["EXPORT_FORMATS", "write_table"]
