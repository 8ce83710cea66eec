"""The vocabulary the canonical schema is written in.

A table is declared once (in `tables.py`) with its columns, key, references and the time orders
that must hold between its dates. Everything else — the DuckDB DDL, the import's validation, the
synthetic generator's output check and the schema reference in docs/ — is derived from these
declarations, so a rule about the data is never stated twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Logical column types and the DuckDB type each is stored as.
#: "id" is an identifier (a key or a reference); "text" is free text. Both are strings, but the
#: import treats them differently for privacy: identifiers holding a personal identity code are
#: pseudonymised, free text has identity codes redacted.
DUCKDB_TYPES = {
    "id": "VARCHAR",
    "string": "VARCHAR",
    "text": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    `codes` names a code list in `schema/codes/<name>.csv`; `references` is "table.column" of the
    row this value points to; `pattern` is a regular expression the whole value must match;
    `minimum`/`maximum` bound numeric values (inclusive).
    """

    name: str
    type: str
    description: str
    required: bool = False
    codes: str | None = None
    references: str | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.type not in DUCKDB_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if self.references and self.type != "id":
            raise ValueError(f"column {self.name}: references need type 'id'")

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    @property
    def referenced_table(self) -> str | None:
        return self.references.split(".")[0] if self.references else None


@dataclass(frozen=True)
class TimeOrder:
    """`earlier` must not be later than `later`, when both are known.

    Each side is a column of this table ("start_at") or a column of the row a reference points
    to ("person_id.birth_date": the birth date of the person this row refers to).
    """

    earlier: str
    later: str
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    time_orders: tuple[TimeOrder, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: duplicate column names")
        for k in self.key:
            if k not in names:
                raise ValueError(f"table {self.name}: key column {k} is not a column")
        for order in self.time_orders:
            for side in (order.earlier, order.later):
                own = side.split(".")[0]
                if own not in names:
                    raise ValueError(f"table {self.name}: time order names unknown column {own}")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def dependencies(self) -> set[str]:
        """Tables this one references (excluding itself): they must be loaded first."""
        return {c.referenced_table for c in self.columns if c.references} - {self.name, None}
