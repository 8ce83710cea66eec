"""Who is asking: the signed-in user of a request, from the session cookie (the pages) or an
`Authorization: Bearer` token (API clients, which get one from POST /api/v1/token).

The cookie is HttpOnly (no script can read it), SameSite=Lax (a form on another site cannot
post with it, which is the dashboard's protection against cross-site request forgery) and
Secure when the request came over HTTPS.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from ..errors import TilannekuvaError
from .accounts import User, session_user
from .figures import Figures

SESSION_COOKIE = "tilannekuva_session"
LANGUAGE_COOKIE = "tilannekuva_lang"


class SignInRequired(TilannekuvaError):
    """A page needs a signed-in user; the app answers by sending the browser to sign in."""


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get(SESSION_COOKIE)


def user_of(request: Request) -> User | None:
    figures: Figures = request.app.state.figures
    con = figures.cursor()
    try:
        return session_user(con, token_of(request))
    finally:
        con.close()


def page_user(request: Request) -> User:
    """Dependency of every page but sign-in: the user, or a redirect to the sign-in page."""
    user = user_of(request)
    if user is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}"
                                                  if request.url.query else ""))
    return user


def api_user(request: Request) -> User:
    """Dependency of every API route but the token: the user, or 401."""
    user = user_of(request)
    if user is None:
        raise HTTPException(401, "Sign in first: POST /api/v1/token, then send "
                                 "'Authorization: Bearer <token>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


def safe_next(target: str | None) -> str:
    """A place to return to after sign-in or a language change: only a path on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
