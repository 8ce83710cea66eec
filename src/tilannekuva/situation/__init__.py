"""The situation centre (sote-tilannekeskus): bed board, routing from the ED to follow-up care,
home-care hand-offs and ambulance transports, in a transactional database (docs/situation.md)."""

from tilannekuva.situation.database import create_engine, create_schema
from tilannekuva.situation.errors import (
    Conflict,
    ForeignWard,
    IdempotencyKeyReused,
    IllegalTransition,
    Invalid,
    NotFound,
)
from tilannekuva.situation.service import SituationCentre
from tilannekuva.situation.states import MACHINES, Machine, transition

__all__ = ["Conflict", "ForeignWard", "IdempotencyKeyReused", "IllegalTransition", "Invalid",
           "MACHINES", "Machine", "NotFound", "SituationCentre", "create_engine",
           "create_schema", "transition"]
