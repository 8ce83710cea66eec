"""The indicator registry and the access indicators: every indicator declared once (metadata and
Ibis expression), computed on any Ibis backend into one long, suppressed output shape."""

from .backends import duckdb_file
from .engine import IndicatorError, Query, compute
from .model import Indicator
from .registry import REGISTRY, get
from .sources import Parameters, Sources

__all__ = ["REGISTRY", "Indicator", "IndicatorError", "Parameters", "Query", "Sources",
           "compute", "duckdb_file", "get"]
