"""The one exception the import raises for problems the user can fix."""

from __future__ import annotations

from ..errors import TilannekuvaError


class IngestError(TilannekuvaError):
    """An import cannot start or continue; the message says what to fix, in the user's terms.

    The CLI prints the message without a stack trace. Nothing of the failing source is written.
    """
