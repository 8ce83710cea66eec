"""Privacy safeguards applied before data reaches the store."""

from .identity_codes import (
    Pseudonymiser,
    identity_code_problem,
    is_valid_identity_code,
    redact_identity_codes,
)

__all__ = [
    "Pseudonymiser", "identity_code_problem", "is_valid_identity_code", "redact_identity_codes",
]
