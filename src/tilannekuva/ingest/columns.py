"""Matching a source's column names to a canonical table's columns."""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Table
from .errors import IngestError


@dataclass(frozen=True)
class ColumnMatch:
    """`renames` maps source column → canonical column; `ignored` are source columns the table
    does not have (reported, never loaded); `absent` are optional canonical columns the source
    lacks (loaded as NULL)."""

    renames: dict[str, str]
    ignored: tuple[str, ...]
    absent: tuple[str, ...]


def match_columns(names: list[str], table: Table, label: str) -> ColumnMatch:
    """Match names case-insensitively (and ignoring surrounding spaces); a missing required
    column stops the import, because every row would be rejected for it."""
    canonical = {c.lower(): c for c in table.column_names}
    renames: dict[str, str] = {}
    ignored: list[str] = []
    for name in names:
        target = canonical.get(name.strip().lower())
        if target is None:
            ignored.append(name)
        elif target in renames.values():
            raise IngestError(f"{label}: column {target} appears more than once in the header.")
        else:
            renames[name] = target
    found = set(renames.values())
    missing = [c.name for c in table.columns if c.required and c.name not in found]
    if missing:
        raise IngestError(
            f"{label}: required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} missing for table {table.name}; nothing was imported from it."
        )
    absent = tuple(c for c in table.column_names if c not in found)
    return ColumnMatch(renames, tuple(ignored), absent)
