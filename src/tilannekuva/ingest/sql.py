"""Quoting for the SQL the import builds from schema declarations."""

from __future__ import annotations


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quoted_value(expression: str, limit: int = 80) -> str:
    """SQL for a value shown in a message: in double quotes, cut to `limit` characters."""
    return f"""('"' || left(CAST({expression} AS VARCHAR), {limit}) || '"')"""
