"""Tilannekuva: the situation picture of a Finnish wellbeing services county."""

__version__ = "0.1.0"
