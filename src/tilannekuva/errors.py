"""The one base class for problems the user can fix. The CLI prints these as plain messages;
anything else is a bug and keeps its traceback."""


class TilannekuvaError(Exception):
    """An error whose message is written for the county analyst, not the developer."""
