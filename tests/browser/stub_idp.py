"""The stub identity provider of the local stand-in (``local_stack.py``): what the page
needs of Cognito managed login, checked as strictly as Cognito checks it.

A public app client (no secret) with one callback URL and one sign-out URL (the app's
origin + "/"), the authorization code grant with PKCE S256 required, the scopes openid,
email and profile, and one test user. ID tokens are JWTs signed with HS256 and a key made
per run (``rotate_signing_key()`` makes every issued token invalid, as a revoked or
foreign token would be); the access token says ``token_use: access``, which the API
refuses, as the Cognito authorizer without scopes does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qs, urlencode

ALLOWED_SCOPES: Final = frozenset({"openid", "email", "profile"})
CODE_LIFETIME_SECONDS: Final = 300
SESSION_COOKIE: Final = "stub-idp-session"
# What the sign-in form carries over from the authorization request to its POST.
_OAUTH_FIELDS: Final = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)
_VERIFIER: Final = re.compile(r"[A-Za-z0-9._~-]{43,128}")
_CHALLENGE: Final = re.compile(r"[A-Za-z0-9_-]{43}")
# The provider's own pages: no script, no style, and not framable.
_PAGE_HEADERS: Final = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class StubUser:
    username: str
    password: str
    email: str
    sub: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    cookies: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Grant:
    redirect_uri: str
    challenge: str
    nonce: str | None
    expires: float


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _form(body: bytes) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}


def _redirect(location: str, cookies: list[str] | None = None) -> Reply:
    return Reply(302, {"Location": location, "Cache-Control": "no-store"}, cookies=cookies or [])


def _page(status: int, title: str, *parts: str) -> Reply:
    text = f"<!doctype html><html lang='en'><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
    return Reply(status, dict(_PAGE_HEADERS), (text + "".join(parts)).encode())


def _request_problem(params: Mapping[str, str]) -> tuple[str, str] | None:
    """The OAuth error and its description for a bad authorization request, or None."""
    if params.get("response_type") != "code":
        return "unsupported_response_type", "response_type must be code"
    if params.get("code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(params.get("code_challenge", "")):
        return "invalid_request", "PKCE with S256 is required"
    scopes = set(params.get("scope", "").split())
    if "openid" not in scopes or not scopes <= ALLOWED_SCOPES:
        return "invalid_scope", f"scope must include openid and be among {', '.join(sorted(ALLOWED_SCOPES))}"
    return None


class StubIdentityProvider:
    """Cognito managed login for one public app client and one user (see the module docstring)."""

    def __init__(self, *, issuer: str, client_id: str, user: StubUser, app_origin: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.user = user
        self.app_origin = app_origin
        self.callback_urls = frozenset({f"{app_origin}/"})
        self.sign_out_urls = self.callback_urls
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            #: Cognito's default ID token validity, one hour.
            self.token_lifetime_seconds = 3600
            self._grants: dict[str, _Grant] = {}
            self._sessions: set[str] = set()
            self._key = secrets.token_bytes(32)

    def rotate_signing_key(self) -> None:
        with self._lock:
            self._key = secrets.token_bytes(32)

    # ------------------------------------------------------------------- tokens

    def _sign(self, claims: Mapping[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "stub"}).encode())
        signing_input = f"{header}.{_b64url(json.dumps(dict(claims)).encode())}"
        signature = hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{_b64url(signature)}"

    def mint_id_token(self, nonce: str | None = None) -> str:
        now = int(time.time())
        claims = {
            "sub": self.user.sub,
            "aud": self.client_id,
            "iss": self.issuer,
            "token_use": "id",
            "auth_time": now,
            "iat": now,
            "exp": now + self.token_lifetime_seconds,
            "email": self.user.email,
            "email_verified": True,
            "cognito:username": self.user.username,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        return self._sign(claims)

    def verify_id_token(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired ID token of this provider and client, else None."""
        try:
            header, payload, signature = token.split(".")
            claims = json.loads(_b64url_decode(payload))
            algorithm = json.loads(_b64url_decode(header)).get("alg")
            expected = hmac.new(self._key, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
            valid = algorithm == "HS256" and hmac.compare_digest(_b64url_decode(signature), expected)
        except (ValueError, binascii.Error, AttributeError, UnicodeEncodeError):
            return None
        if not valid or not isinstance(claims, dict):
            return None
        current = (claims.get("iss"), claims.get("aud"), claims.get("token_use"))
        expires = claims.get("exp")
        if current != (self.issuer, self.client_id, "id") or not (isinstance(expires, int) and expires > time.time()):
            return None
        return claims

    # ------------------------------------------------------------------ endpoints

    def dispatch(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Reply:
        params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
        cookie = self._session_cookie(headers.get("Cookie", ""))
        if (method, path) == ("GET", "/stub-idp/oauth2/authorize"):
            return self._authorize(params, cookie, credentials=None)
        if (method, path) == ("POST", "/stub-idp/oauth2/authorize"):
            form = _form(body)
            return self._authorize(form, None, credentials=(form.get("username", ""), form.get("password", "")))
        if (method, path) == ("POST", "/stub-idp/oauth2/token"):
            return self._token(_form(body), headers.get("Origin"))
        if (method, path) == ("GET", "/stub-idp/logout"):
            return self._logout(params, cookie)
        return _page(404, "Not found")

    def _session_cookie(self, header: str) -> str | None:
        for part in header.split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE and value in self._sessions:
                return value
        return None

    def _authorize(self, params: Mapping[str, str], session: str | None, credentials: tuple[str, str] | None) -> Reply:
        if params.get("client_id") != self.client_id:
            return _page(400, "Sign-in error", "<p>Unknown client_id.</p>")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.callback_urls:
            return _page(400, "Sign-in error", "<p>redirect_uri is not a callback URL of this app client.</p>")
        back = {"state": params["state"]} if "state" in params else {}
        problem = _request_problem(params)
        if problem:
            return _redirect(
                f"{redirect_uri}?{urlencode({'error': problem[0], 'error_description': problem[1], **back})}"
            )
        cookies: list[str] = []
        if session is None:
            if credentials is None:
                return self._sign_in_form(params, error=None)
            good_name = hmac.compare_digest(credentials[0].encode(), self.user.username.encode())
            if not (hmac.compare_digest(credentials[1].encode(), self.user.password.encode()) and good_name):
                return self._sign_in_form(params, error="Incorrect username or password.")
            session = secrets.token_urlsafe(24)
            cookies.append(f"{SESSION_COOKIE}={session}; Path=/stub-idp; HttpOnly; SameSite=Lax")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions.add(session)
            self._grants[code] = _Grant(
                redirect_uri, params["code_challenge"], params.get("nonce"), time.time() + CODE_LIFETIME_SECONDS
            )
        return _redirect(f"{redirect_uri}?{urlencode({'code': code, **back})}", cookies)

    def _sign_in_form(self, params: Mapping[str, str], error: str | None) -> Reply:
        hidden = "".join(
            f"<input type='hidden' name='{name}' value='{html.escape(params[name])}'>"
            for name in _OAUTH_FIELDS
            if name in params
        )
        return _page(
            200,
            "Sign in (stub identity provider)",
            f"<p role='alert'>{html.escape(error)}</p>" if error else "",
            f"<form method='post' action='/stub-idp/oauth2/authorize'>{hidden}",
            "<p><label for='username'>User name</label> <input id='username' name='username'></p>",
            "<p><label for='password'>Password</label> <input id='password' name='password' type='password'></p>",
            "<p><button type='submit'>Sign in</button></p></form>",
        )

    def _token(self, form: Mapping[str, str], origin: str | None) -> Reply:
        cors = {"Access-Control-Allow-Origin": origin} if origin == self.app_origin else {}

        def refuse(error: str) -> Reply:
            return Reply(400, {"Content-Type": "application/json", **cors}, json.dumps({"error": error}).encode())

        if form.get("grant_type") != "authorization_code":
            return refuse("unsupported_grant_type")
        if form.get("client_id") != self.client_id:
            return refuse("invalid_client")
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        if (
            grant is None
            or grant.expires < time.time()
            or grant.redirect_uri != form.get("redirect_uri")
            or not _VERIFIER.fullmatch(verifier)
            or not hmac.compare_digest(_b64url(hashlib.sha256(verifier.encode("ascii")).digest()), grant.challenge)
        ):
            return refuse("invalid_grant")
        access_claims = {"sub": self.user.sub, "client_id": self.client_id, "iss": self.issuer, "token_use": "access"}
        access = self._sign({**access_claims, "exp": int(time.time()) + self.token_lifetime_seconds})
        tokens = {
            "id_token": self.mint_id_token(grant.nonce),
            "access_token": access,
            "refresh_token": secrets.token_urlsafe(32),
            "expires_in": self.token_lifetime_seconds,
            "token_type": "Bearer",
        }
        headers = {"Content-Type": "application/json", "Cache-Control": "no-store", **cors}
        return Reply(200, headers, json.dumps(tokens).encode())

    def _logout(self, params: Mapping[str, str], session: str | None) -> Reply:
        if params.get("client_id") != self.client_id or params.get("logout_uri") not in self.sign_out_urls:
            return _page(400, "Sign-out error", "<p>logout_uri is not a sign-out URL of this app client.</p>")
        with self._lock:
            self._sessions.discard(session or "")
        expired = f"{SESSION_COOKIE}=; Path=/stub-idp; Max-Age=0; HttpOnly; SameSite=Lax"
        return _redirect(params["logout_uri"], [expired])
