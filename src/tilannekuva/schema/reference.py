"""Renders the schema reference (docs/schema.md) from the declarations, so the documentation
cannot drift from the code: a test fails when the committed file differs from this output."""

from __future__ import annotations

from .codelists import code_list
from .model import Column, Table
from .tables import TABLES


def _constraint(column: Column) -> str:
    parts = []
    if column.codes:
        parts.append(f"code list [`{column.codes}`](#code-list-{column.codes})")
    if column.references:
        parts.append(f"→ `{column.references}`")
    if column.pattern:
        parts.append(f"matches `{column.pattern}`")
    if column.minimum is not None or column.maximum is not None:
        low = "" if column.minimum is None else f"{column.minimum:g} ≤ "
        high = "" if column.maximum is None else f" ≤ {column.maximum:g}"
        parts.append(f"{low}value{high}")
    return "; ".join(parts)


def _table_section(table: Table) -> list[str]:
    lines = [f"## `{table.name}`", "", table.description, "", f"Key: `{', '.join(table.key)}`", ""]
    lines += ["| column | type | required | meaning | constraint |", "|---|---|---|---|---|"]
    for c in table.columns:
        required = "yes" if c.required else ""
        lines.append(f"| `{c.name}` | {c.type} | {required} | {c.description} | {_constraint(c)} |")
    if table.time_orders:
        lines += ["", "Time order checks (a row breaking one is quarantined at import):", ""]
        lines += [f"- `{o.earlier}` ≤ `{o.later}`: {o.meaning}" for o in table.time_orders]
    return lines + [""]


def _code_lists() -> list[str]:
    names = sorted({c.codes for t in TABLES for c in t.columns if c.codes})
    lines = ["# Code lists", "", "Files in `src/tilannekuva/schema/codes/`; a county extends a "
             "list by adding a row.", ""]
    for name in names:
        lines += [f"## Code list `{name}`", "", "| code | fi | sv | en |", "|---|---|---|---|"]
        lines += [f"| `{c.code}` | {c.fi} | {c.sv} | {c.en} |" for c in code_list(name).values()]
        lines.append("")
    return lines


def render_schema_reference() -> str:
    head = [
        "# Canonical schema reference",
        "",
        "Generated from `src/tilannekuva/schema/` by `tilannekuva schema-docs`; do not edit by "
        "hand.",
        "",
        "Types: `id` identifier (a pseudonym where it names a person or professional), `string` "
        "short text, `text` free text (identity codes redacted at import), `int`, `float`, "
        "`bool`, `date`, `timestamp` (timezone-aware, Europe/Helsinki; a value without an "
        "offset is read as Helsinki local time).",
        "",
        "Tables in load order (a table references only tables above it): "
        + ", ".join(f"[`{t.name}`](#{t.name})" for t in TABLES) + ".",
        "",
    ]
    body = [line for t in TABLES for line in _table_section(t)]
    return "\n".join(head + body + _code_lists()).rstrip() + "\n"
