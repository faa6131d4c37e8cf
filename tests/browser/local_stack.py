"""A local stand-in for the deployed web app: CloudFront, Cognito managed login, API
Gateway with its Cognito authorizer, and the REAL items Lambda on DynamoDB from moto.

One threaded HTTP server on 127.0.0.1 answers under two host names, so that the identity
provider is another origin than the page, as Cognito's domain is in AWS:

App origin ``http://127.0.0.1:<port>`` (what CloudFront serves):

- ``GET /`` and ``GET /<file>``: the files of ``site/app/``.
- ``GET /config.json``: ``{"authority": "http://localhost:<port>/stub-idp", "clientId": CLIENT_ID,
  "apiBase": "/api", "redirectPath": "/", "scopes": ["openid", "email"]}``.
- ``/api/*``: the ``/api`` prefix stripped (as the CloudFront function will), then API Gateway:
  403 ``Missing Authentication Token`` for a method and path outside the contract's routes,
  401 ``Unauthorized`` unless ``Authorization`` holds a valid ID token of the stub provider,
  else a REST proxy event with ``requestContext.authorizer.claims`` (the token's claims as
  strings, as the Cognito authorizer passes them) given to ``handler.handler``.

Every response of the app origin carries the edge's security headers, with the CSP of
``StaticSite`` (``DEFAULT_CONTENT_SECURITY_POLICY``) plus ``connect-src 'self'`` and the
provider's origin, so that a CSP violation in the page shows in the browser's console.

Identity provider ``http://localhost:<port>/stub-idp`` (Cognito managed login):

- ``GET /stub-idp/oauth2/authorize``: checks client_id, redirect_uri (a callback URL),
  response_type=code, PKCE S256 and the scopes, then shows a sign-in form (user name,
  password); with the provider's session cookie it redirects back at once, as Cognito does.
- ``POST /stub-idp/oauth2/authorize``: checks the test user's password, then redirects to
  redirect_uri with ``code`` (one use, 5 minutes, bound to the PKCE challenge) and ``state``.
- ``POST /stub-idp/oauth2/token``: authorization_code grant; verifies ``code_verifier``
  against the S256 challenge; returns an ID token (JWT, HS256 with a per-run key) whose
  ``nonce`` is the one of the sign-in, an access token and ``expires_in``.
- ``GET /stub-idp/logout?client_id=&logout_uri=``: ends the provider's session and
  redirects to logout_uri, which must be a sign-out URL of the client.

The API's part (routes, authorizer, proxy event, the handler on moto) is in
``api_gateway.py``, the provider's in ``stub_idp.py``.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import urllib.request
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.error import HTTPError
from urllib.parse import urlsplit

from cdk_refarch.static_site.checks import DEFAULT_CONTENT_SECURITY_POLICY
from tests.browser.api_gateway import ItemsApi, json_reply
from tests.browser.stub_idp import Reply, StubIdentityProvider, StubUser

REPO: Final = Path(__file__).resolve().parents[2]
SITE_DIR: Final = REPO / "site" / "app"
CLIENT_ID: Final = "stubclient1234567890abcdef"
API_BASE: Final = "/api"


class LocalWebStack:
    """The stand-in; ``start()`` it, point a browser at ``app_url``, ``stop()`` it."""

    def __init__(self, user: StubUser) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
        self._server.stack = self  # type: ignore[attr-defined]
        port = self._server.server_address[1]
        self.app_origin = f"http://127.0.0.1:{port}"
        self.idp_origin = f"http://localhost:{port}"
        self.app_url = f"{self.app_origin}/"
        self.idp = StubIdentityProvider(
            issuer=f"{self.idp_origin}/stub-idp", client_id=CLIENT_ID, user=user, app_origin=self.app_origin
        )
        self.api = ItemsApi(self.idp.verify_id_token)
        # What the stack will send: StaticSite's policy, connect-src widened to the provider.
        self.content_security_policy = f"{DEFAULT_CONTENT_SECURITY_POLICY}; connect-src 'self' {self.idp_origin}"
        #: Exceptions raised while serving (each answered with a 500); the tests assert none.
        self.errors: list[BaseException] = []

    def config(self) -> dict[str, Any]:
        """config.json, as the stack will write it beside the page."""
        return {
            "authority": self.idp.issuer,
            "clientId": CLIENT_ID,
            "apiBase": API_BASE,
            "redirectPath": "/",
            "scopes": ["openid", "email"],
        }

    def start(self) -> LocalWebStack:
        self.api.start()
        self.reset()
        threading.Thread(target=self._server.serve_forever, name="local-web-stack", daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.api.stop()

    def reset(self) -> None:
        """An empty table, no pending codes or provider sessions, a fresh signing key."""
        self.api.reset_table()
        self.idp.reset()
        self.errors.clear()

    def call_api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Another client of the API (say, a colleague's tab): over HTTP, with a valid ID token."""
        request = urllib.request.Request(
            f"{self.app_origin}{API_BASE}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": self.idp.mint_id_token(), "Content-Type": "application/json"},
        )
        # No proxy from the environment may stand between us and 127.0.0.1.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=5) as response:
                return response.status, json.loads(response.read() or b"null")
        except HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def security_headers(self) -> dict[str, str]:
        """The response headers policy of the edge (StaticSite's builders)."""
        return {
            "Content-Security-Policy": self.content_security_policy,
            "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        }

    def dispatch(self, method: str, host: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        if host == urlsplit(self.idp_origin).netloc:
            return self.idp.dispatch(method, url.path, url.query, headers, body)
        if host != urlsplit(self.app_origin).netloc:
            return Reply(421, {"Content-Type": "text/plain"}, b"unknown host")
        if url.path == API_BASE or url.path.startswith(f"{API_BASE}/"):
            # The CloudFront function's job: /api/items reaches API Gateway as /items.
            reply = self.api(method, url.path.removeprefix(API_BASE) or "/", url.query, headers, body)
        elif method != "GET":
            reply = Reply(405, {"Content-Type": "text/plain"}, b"method not allowed")
        elif url.path == "/config.json":
            reply = json_reply(200, self.config(), {"Cache-Control": "no-store"})
        else:
            reply = _static_file(url.path)
        reply.headers.update(self.security_headers())
        return reply


def _static_file(path: str) -> Reply:
    candidate = (SITE_DIR / (path.lstrip("/") or "index.html")).resolve()
    if not candidate.is_relative_to(SITE_DIR) or not candidate.is_file():
        return Reply(404, {"Content-Type": "text/plain"}, b"not found")
    # Module scripts need a JavaScript type, and nosniff makes the browser hold us to it.
    content_type = "text/javascript" if candidate.suffix == ".js" else mimetypes.guess_type(candidate.name)[0]
    headers = {"Content-Type": f"{content_type or 'application/octet-stream'}; charset=utf-8"}
    return Reply(200, headers, candidate.read_bytes())


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        stack: LocalWebStack = self.server.stack  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            reply = stack.dispatch(self.command, self.headers.get("Host", ""), self.path, dict(self.headers), body)
        except Exception as error:  # noqa: BLE001 - the tests see it in stack.errors
            stack.errors.append(error)
            reply = Reply(500, {"Content-Type": "text/plain"}, b"stand-in error")
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        for cookie in reply.cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass
