"""The indicator registry: every indicator, declared once in its capability's module, collected
here. The CLI, the catalogue (docs/indicators.md) and later the dashboard and API read it."""

from __future__ import annotations

from ..errors import TilannekuvaError
from . import (
    care_plans,
    continuity,
    digital,
    feedback,
    first_assessment,
    forecasts,
    heavy_users,
    primary_care,
    quality,
    situation,
    social,
    specialised,
    t3,
    youth_mental_health,
)
from .dimensions import DIMENSIONS
from .model import Indicator

MODULES = (primary_care, specialised, social, t3, continuity, heavy_users, youth_mental_health,
           care_plans, first_assessment, feedback, quality, digital, situation, forecasts)


class UnknownIndicator(TilannekuvaError):
    pass


def _collect() -> dict[str, Indicator]:
    registry: dict[str, Indicator] = {}
    for module in MODULES:
        for indicator in module.INDICATORS:
            if indicator.id in registry:
                raise ValueError(f"indicator {indicator.id} is declared twice")
            unknown = set(indicator.dimensions + indicator.fixed_dimensions) - set(DIMENSIONS)
            if unknown:
                raise ValueError(f"indicator {indicator.id}: unknown dimensions {unknown}")
            for field in ("names", "definition"):
                text = getattr(indicator, field)
                missing = [lang for lang in ("fi", "sv", "en") if not getattr(text, lang).strip()]
                if missing:
                    raise ValueError(f"indicator {indicator.id}: {field} has no {missing}")
            registry[indicator.id] = indicator
    return registry


REGISTRY: dict[str, Indicator] = _collect()


def get(indicator_id: str) -> Indicator:
    try:
        return REGISTRY[indicator_id]
    except KeyError:
        raise UnknownIndicator(
            f"There is no indicator {indicator_id!r}. Known indicators: "
            f"{', '.join(REGISTRY)} (see docs/indicators.md)."
        ) from None
