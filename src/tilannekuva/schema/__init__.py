"""The canonical schema: tables, columns, code lists, and the DDL derived from them."""

from .codelists import Code, code_list, codes
from .model import Column, Table, TimeOrder
from .tables import SITUATION_TABLES, TABLES, TABLES_BY_NAME

__all__ = [
    "SITUATION_TABLES", "TABLES", "TABLES_BY_NAME", "Code", "Column", "Table", "TimeOrder",
    "code_list", "codes",
]
