"""The errors the situation centre raises. All are `TilannekuvaError`s with a message written for
the coordinator; the API (`situation/api.py`) maps `IllegalTransition` and `Conflict` to 409,
`NotFound` to 404, `Invalid` to 422 and `ForeignWard` to 403."""

from __future__ import annotations

from tilannekuva.errors import TilannekuvaError


class IllegalTransition(TilannekuvaError):
    """An action its state machine does not allow from the entity's current state (or a domain
    rule forbids, e.g. placing into a bed of another ward)."""

    def __init__(self, entity: str, entity_id: object, state: str, action: str, reason: str):
        self.entity = entity
        self.entity_id = entity_id
        self.state = state
        self.action = action
        self.reason = reason
        ident = "" if entity_id is None else f" {entity_id}"
        super().__init__(f"cannot {action} {entity}{ident} (state {state}): {reason}")


class Conflict(TilannekuvaError):
    """Lost a race or collided with another object: the bed was taken, the request was placed
    meanwhile, a label is already in use. Reloading and choosing again is the remedy."""


class IdempotencyKeyReused(Conflict):
    """The idempotency key was already used by this actor for another operation or payload."""


class NotFound(TilannekuvaError):
    """No such ward, bed, request, hand-off or transport."""

    def __init__(self, entity: str, entity_id: object):
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"no {entity} with id {entity_id}")


class Invalid(TilannekuvaError):
    """Input the caller can correct: an unknown specialty code, a negative capacity, an empty
    reason."""


class ForeignWard(TilannekuvaError):
    """The action concerns a ward outside the wards the actor may act for (a ward nurse and
    another ward). Checked inside the transaction, under the lock of the row that names the
    ward, so a request withdrawn and re-offered to another ward meanwhile is refused, never
    acted on. The API turns it into the role's refusal (`web.roles.situation_check`)."""

    def __init__(self, ward_id: int | None, ward_code: str | None):
        self.ward_id = ward_id
        self.ward_code = ward_code
        where = "no ward" if ward_id is None else f"ward {ward_code} (id {ward_id})"
        super().__init__(f"this concerns {where}, which is not among your wards")
