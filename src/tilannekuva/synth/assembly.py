"""Collecting the rows one person block generates, and turning them into canonical tables.

Generators hand over plain numpy columns: identifiers and codes as integer positions (a person
index, a unit index, a position in a code list, the row number of an assessment within the
block), times as ``datetime64``. Several generators add rows to the same table (visits come from
primary care, specialised care, home care and social work); a row's number within its block's
table is its sequence number, from which its id is formed. How a column is converted is read
from the schema declaration of the column (its code list, what it references, whether it is the
key), so no column list is restated here.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import TABLES_BY_NAME, Column
from . import ids
from .structure import professional_ids, unit_ids
from .writer import coded, to_arrow

#: Id prefix of each event table's key.
ID_PREFIX = {
    "contacts": "c", "care_need_assessments": "a", "visits": "v", "appointment_slots": "s",
    "referrals": "r", "episodes": "e", "social_cases": "k", "social_decisions": "d",
    "care_plans": "cp", "responsible_worker_assignments": "rw", "feedback_responses": "f",
    "digital_usage": "du", "digital_pathways": "dp",
}
ENTITY_IDS = {"persons": ids.person_ids, "units": unit_ids, "professionals": professional_ids}
NAT = np.datetime64("NaT")


def _null_like(column: Column, n: int) -> np.ndarray:
    if column.type in ("timestamp", "date"):
        return np.full(n, NAT, dtype="datetime64[s]")
    if column.type == "float":
        return np.full(n, np.nan)
    if column.type in ("string", "text") and not column.codes:
        return np.full(n, None, dtype=object)
    return np.full(n, -1, dtype=np.int64)


class Block:
    """The rows generated for one block of persons, table by table."""

    def __init__(self, number: int):
        self.number = number
        self._parts: dict[str, list[dict[str, np.ndarray]]] = {}
        self._rows: dict[str, int] = {}

    def add(self, table: str, **columns: np.ndarray) -> np.ndarray:
        """Add rows; returns their sequence numbers (0-based) within this block's table."""
        n = len(next(iter(columns.values())))
        declared = TABLES_BY_NAME[table]
        for name in columns:
            declared.column(name)
        first = self._rows.get(table, 0)
        self._parts.setdefault(table, []).append(columns)
        self._rows[table] = first + n
        return np.arange(first, first + n)

    def tables(self) -> dict[str, pa.Table]:
        return {name: self._finish(name) for name in self._parts}

    def _finish(self, name: str) -> pa.Table:
        table = TABLES_BY_NAME[name]
        parts = self._parts[name]
        columns = {}
        for column in table.columns:
            if not any(column.name in p for p in parts) and column.name not in table.key:
                continue
            pieces = [p[column.name] if column.name in p
                      else _null_like(column, len(next(iter(p.values())))) for p in parts]
            columns[column.name] = self._convert(table.name, column, np.concatenate(pieces))
        return to_arrow(name, columns)

    def _convert(self, table: str, column: Column, values: np.ndarray):
        if column.name in TABLES_BY_NAME[table].key and column.type == "id":
            if table in ENTITY_IDS:
                return ENTITY_IDS[table](values)
            return ids.event_ids(ID_PREFIX[table], self.number, len(values))
        if column.references:
            target = column.referenced_table
            if target in ENTITY_IDS:
                return _masked(ENTITY_IDS[target](np.maximum(values, 0)), values < 0)
            built = ids.format_ids(ID_PREFIX[target], (self.number, 5),
                                   (np.maximum(values, 0) + 1, 7))
            return _masked(built, values < 0)
        if column.codes:
            return coded(column.codes, values)
        if column.type == "bool":
            values = values.astype(np.int64)
            return pa.array(values == 1, mask=values < 0)
        if column.type == "int":
            return pa.array(values.astype(np.int64), mask=values < 0)
        return values


def _masked(values: pa.Array, null: np.ndarray) -> pa.Array:
    if not null.any():
        return values
    return pc.if_else(pa.array(null), pa.scalar(None, pa.string()), values)
