"""Code lists (enumerations) as data: one CSV per list in `schema/codes/`, with names in
Finnish, Swedish and English. A county adds a code by editing the file, not the code."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Code:
    code: str
    fi: str
    sv: str
    en: str


@cache
def code_list(name: str) -> dict[str, Code]:
    """The codes of list `name`, in file order, keyed by code."""
    path = resources.files("tilannekuva.schema") / "codes" / f"{name}.csv"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no code list named {name!r} (expected {path})") from None
    rows = list(csv.DictReader(text.splitlines()))
    codes = {row["code"]: Code(row["code"], row["fi"], row["sv"], row["en"]) for row in rows}
    if len(codes) != len(rows):
        raise ValueError(f"code list {name}: duplicate codes")
    return codes


def codes(name: str) -> list[str]:
    return list(code_list(name))
