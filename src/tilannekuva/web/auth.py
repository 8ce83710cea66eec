"""Who is asking: the signed-in user of a request, from the session cookie (the pages) or an
`Authorization: Bearer` token (API clients, which get one from POST /api/v1/token).

The cookie is HttpOnly (no script can read it), SameSite=Lax (a form on another site cannot
post with it, which is the dashboard's protection against cross-site request forgery) and
Secure when the request came over HTTPS.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ..errors import TilannekuvaError
from .accounts import Sessions, User
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
    """The signed-in user, from the app's memory of recent sessions or the county database."""
    figures: Figures = request.app.state.figures
    sessions: Sessions = request.app.state.sessions
    return sessions.user(figures.cursor, token_of(request))


def page_user(request: Request) -> User:
    """Dependency of every page but sign-in: the user, or a redirect to the sign-in page."""
    user = user_of(request)
    if user is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}"
                                                  if request.url.query else ""))
    return user


def api_user(request: Request) -> User:
    """Dependency of every API route but the token: the user, or 401."""
    return _signed_in_or_401(user_of(request))


async def api_user_async(request: Request) -> User:
    """`api_user` for an `async` dependency: a remembered session is answered on the event
    loop, without the hop to a worker thread a plain function dependency costs on every call
    (the situation centre's API, `situation.api`); only a database read goes to a thread."""
    user = request.app.state.sessions.remembered(token_of(request))
    if user is None:
        user = await run_in_threadpool(user_of, request)
    return _signed_in_or_401(user)


def _signed_in_or_401(user: User | None) -> User:
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
