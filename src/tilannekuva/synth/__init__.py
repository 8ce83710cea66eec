"""Synthetic county generator: a believable, deterministic county in the canonical tables, with
the calibration targets it is tuned to and the queries that measure them (see
docs/calibration.md)."""

from .calibration import TARGETS, Measured, Target, measure_calibration
from .pipeline import generate, load_into_store, synthesize_county

__all__ = ["TARGETS", "Measured", "Target", "generate", "load_into_store",
           "measure_calibration", "synthesize_county"]
