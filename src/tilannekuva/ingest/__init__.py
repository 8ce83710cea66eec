"""Import of CSV, Parquet and database tables into the canonical tables (see docs/import.md)."""

from .errors import IngestError
from .pipeline import ImportResult, ProgressCallback, import_sources
from .summary import render_summary

__all__ = [
    "ImportResult", "IngestError", "ProgressCallback", "import_sources", "render_summary",
]
