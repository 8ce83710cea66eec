"""Dashboard users, their roles and their sign-in sessions, kept in the county database beside
the audit log (tables `web_users` and `web_sessions`).

- Passwords are stored only as Argon2id hashes (argon2-cffi, OWASP's first choice); a sign-in
  with an unknown user name costs the same hash check, so timing does not tell which names
  exist.
- A session is a random 256-bit token given to the browser (an HttpOnly cookie) or to an API
  client (a bearer token). Only its SHA-256 is stored, so a copy of the database cannot be used
  to sign in. A session expires `session_hours` after sign-in (8 by default, a working day);
  signing out deletes it.
- The server remembers the user of a token it has just checked for a few seconds (`Sessions`),
  so that a busy API client does not cost two database reads per call; the memory keeps expiry,
  sign-out and removal exact (see there).

What each role may see is decided in `roles`; this module only knows who someone is.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import TilannekuvaError
from .roles import ROLES, Role

ACCOUNTS_DDL = """
CREATE TABLE IF NOT EXISTS web_users (
    user_name     VARCHAR PRIMARY KEY,
    display_name  VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    units         VARCHAR[] NOT NULL,  -- a supervisor's units, a ward nurse's wards; else empty
    password_hash VARCHAR NOT NULL,    -- Argon2id
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    token_sha256  VARCHAR PRIMARY KEY,
    user_name     VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
)"""

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
#: Checked against when the user name is unknown, so the answer takes as long as for a real one.
_DUMMY_HASH = _hasher.hash("no such user, no such password")


class AccountError(TilannekuvaError):
    """A user cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class User:
    user_name: str
    display_name: str
    role: Role
    units: tuple[str, ...]


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ACCOUNTS_DDL)


def add_user(con: duckdb.DuckDBPyConnection, user_name: str, password: str, role: str,
             units: tuple[str, ...] = (), display_name: str | None = None) -> User:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    if ROLES[role].own_units_only and not units:
        raise AccountError(f"A {role} acts for named units (a ward nurse: the ids or codes of "
                           "the situation centre's wards): give at least one --unit.")
    if not ROLES[role].own_units_only and units:
        raise AccountError(f"A {role} is not tied to units; leave out --unit.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if not user_name.strip() or user_name != user_name.strip():
        raise AccountError("The user name must not be empty or start or end with spaces.")
    if con.execute("SELECT 1 FROM web_users WHERE user_name = ?", [user_name]).fetchall():
        raise AccountError(f"User {user_name!r} already exists.")
    con.execute("INSERT INTO web_users VALUES (?, ?, ?, ?, ?, ?)",
                [user_name, display_name or user_name, role, list(units),
                 _hasher.hash(password), datetime.now(UTC)])
    return User(user_name, display_name or user_name, ROLES[role], tuple(units))


def remove_user(con: duckdb.DuckDBPyConnection, user_name: str) -> None:
    """Removes the user and ends their sessions."""
    if not con.execute("SELECT 1 FROM web_users WHERE user_name = ?", [user_name]).fetchall():
        raise AccountError(f"No user {user_name!r}.")
    con.execute("DELETE FROM web_sessions WHERE user_name = ?", [user_name])
    con.execute("DELETE FROM web_users WHERE user_name = ?", [user_name])
    _forget(user_name=user_name)


def users(con: duckdb.DuckDBPyConnection) -> list[User]:
    rows = con.execute("SELECT user_name, display_name, role, units FROM web_users "
                       "ORDER BY user_name").fetchall()
    return [User(name, display, ROLES[role], tuple(units)) for name, display, role, units in rows]


def _user(con: duckdb.DuckDBPyConnection, user_name: str) -> tuple[User, str] | None:
    rows = con.execute("SELECT display_name, role, units, password_hash FROM web_users "
                       "WHERE user_name = ?", [user_name]).fetchall()
    if not rows:
        return None
    display, role, units, password_hash = rows[0]
    return User(user_name, display, ROLES[role], tuple(units)), password_hash


def authenticate(con: duckdb.DuckDBPyConnection, user_name: str, password: str) -> User | None:
    """The user when the password is theirs, else None (the same for an unknown name)."""
    found = _user(con, user_name)
    try:
        _hasher.verify(found[1] if found else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return found[0] if found else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(con: duckdb.DuckDBPyConnection, user: User, hours: float) -> tuple[str, datetime]:
    """A new session token for `user` and the moment it expires."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(hours=hours)
    con.execute("INSERT INTO web_sessions VALUES (?, ?, ?, ?)",
                [_digest(token), user.user_name, now, expires])
    return token, expires


def _session(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[User, datetime] | None:
    """The user and expiry of the live session whose token has SHA-256 `digest`."""
    rows = con.execute("SELECT u.display_name, u.role, u.units, s.user_name, s.expires_at "
                       "FROM web_sessions s JOIN web_users u USING (user_name) "
                       "WHERE s.token_sha256 = ? AND s.expires_at > ?",
                       [digest, datetime.now(UTC)]).fetchall()
    if not rows:
        return None
    display, role, units, user_name, expires = rows[0]
    return User(user_name, display, ROLES[role], tuple(units)), expires


def session_user(con: duckdb.DuckDBPyConnection, token: str | None) -> User | None:
    """The user of a live session, or None for no token, an unknown or an expired one."""
    found = _session(con, _digest(token)) if token else None
    return found[0] if found else None


def close_session(con: duckdb.DuckDBPyConnection, token: str | None) -> None:
    """Signs out: the session is deleted, together with any expired ones."""
    con.execute("DELETE FROM web_sessions WHERE token_sha256 = ? OR expires_at <= ?",
                [_digest(token or ""), datetime.now(UTC)])
    _forget(digest=_digest(token or ""))


#: How long `Sessions` remembers the user of a checked token. Short, so that even a change
#: made around this module (none is: the server holds the county database file, so another
#: process cannot open it to sign anyone out) would hold for seconds only.
SESSION_MEMORY_SECONDS = 10.0
#: Remembered sessions past which a new entry first drops the lapsed ones.
SESSION_MEMORY_SWEEP = 1_000
#: Every live `Sessions`, so that signing out and removing a user forget at once in all.
_MEMORIES: weakref.WeakSet[Sessions] = weakref.WeakSet()


class Sessions:
    """The users of recently checked session tokens, remembered by the server (one per app)
    for `SESSION_MEMORY_SECONDS`, keyed by the token's SHA-256 as in web_sessions. A
    remembered session still ends exactly: its expiry is checked on every use, and
    `close_session` and `remove_user` forget it in every memory at once. A lookup that was
    reading the database while a session was closed does not store its (then stale) answer:
    forgetting moves a generation counter that the lookup checks before storing. Unknown and
    expired tokens are never remembered."""

    def __init__(self) -> None:
        self._users: dict[str, tuple[User, float, float]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        _MEMORIES.add(self)

    def remembered(self, token: str | None) -> User | None:
        """The token's user if remembered and the session has not expired; else None (then
        ask `user`, which reads the database)."""
        hit = self._users.get(_digest(token)) if token else None
        if hit is None or hit[1] <= time.time() or hit[2] <= time.monotonic():
            return None
        return hit[0]

    def user(self, connect: Callable[[], duckdb.DuckDBPyConnection],
             token: str | None) -> User | None:
        """The user of a live session (as `session_user`), from memory or from a connection
        `connect()` opens (and this closes)."""
        if not token:
            return None
        user = self.remembered(token)
        if user is not None:
            return user
        digest = _digest(token)
        generation = self._generation
        con = connect()
        try:
            found = _session(con, digest)
        finally:
            con.close()
        if found is None:
            return None
        with self._lock:
            if generation == self._generation:
                now = time.monotonic()
                if len(self._users) >= SESSION_MEMORY_SWEEP:  # drop the lapsed: stay small
                    self._users = {k: v for k, v in self._users.items() if v[2] > now}
                self._users[digest] = (found[0], found[1].timestamp(),
                                       now + SESSION_MEMORY_SECONDS)
        return found[0]

    def forget(self, digest: str | None = None, user_name: str | None = None) -> None:
        with self._lock:
            self._generation += 1
            for key, (user, _, _) in list(self._users.items()):
                if key == digest or user.user_name == user_name:
                    del self._users[key]


def _forget(digest: str | None = None, user_name: str | None = None) -> None:
    for memory in list(_MEMORIES):
        memory.forget(digest, user_name)
