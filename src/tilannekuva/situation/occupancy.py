"""A ward's occupancy as the API (`GET /api/v1/situation/wards`) and the board show it, defined
once: its beds, the number in each state, the load (occupied and reserved beds as a percentage
of the ward's beds; none for a ward without beds) and its isolation rooms (built, occupied,
free)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import states


def ward_figures(ward: Mapping[str, Any], own: list[Mapping[str, Any]]) -> dict[str, Any]:
    """`ward` with its beds `own` and their figures."""
    counts = {s: sum(b["state"] == s for b in own) for s in states.BED.states}
    load = 100.0 * (counts["occupied"] + counts["reserved"]) / len(own) if own else None
    isolation = [b for b in own if b["is_isolation"]]
    return {**ward, "beds": own, "counts": counts,
            "load_percent": None if load is None else round(load, 1),
            "isolation_rooms_built": len(isolation),
            "isolation_patients": sum(b["state"] == "occupied" for b in isolation),
            "isolation_free": sum(b["state"] == "free" for b in isolation)}
