"""A stand-in for Secrets Manager's ``GetSecretValue`` that checks each request's signature.

It answers on 127.0.0.1 the way the service does (JSON 1.1: ``POST /`` with
``X-Amz-Target: secretsmanager.GetSecretValue``), and before answering it checks the
request as the service would: the target and content type, a fresh ``X-Amz-Date``, the
session token, an ``Authorization`` header of the right shape for the expected access
key, region and service, and its signature, recomputed with botocore's SigV4 (an
implementation independent of the one under test). A request that fails any check gets
the service's ``403`` and lands in ``violations``.
"""

from __future__ import annotations

import calendar
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION: Final = "eu-west-1"
#: Named like an RDS-managed secret: ``rds!db-<uuid>``, then the six characters of the ARN.
SECRET_ARN: Final = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:rds!db-0f1e2d3c-aaaa-bbbb-cccc-0123-AbCdEf"
_AUTHORIZATION: Final = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[A-Z0-9]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/(?P<service>[a-z]+)/"
    r"aws4_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)
#: Headers the client must sign: the ones the service reads.
MUST_SIGN: Final = {"host", "x-amz-date", "x-amz-security-token", "x-amz-target", "content-type"}


@dataclass
class StubSecretsManager:
    access_key_id: str
    secret_access_key: str
    session_token: str
    region: str = REGION
    #: SecretId -> SecretString.
    secrets: dict[str, str] = field(default_factory=dict)
    #: When set, every request gets this (status, __type) instead.
    fail: tuple[int, str] | None = None
    #: Hold each request this long before answering.
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    endpoint: str = ""

    def set_login(self, username: str, password: str, secret_id: str = SECRET_ARN) -> None:
        self.secrets[secret_id] = json.dumps({"username": username, "password": password})

    def reads(self, secret_id: str = SECRET_ARN) -> int:
        return self.requests.count(secret_id)

    def check(self, handler: BaseHTTPRequestHandler, body: bytes) -> str | None:
        """Why the service would refuse this request; ``None`` if it would not."""
        headers = handler.headers
        if (handler.path, headers.get("Content-Type")) != ("/", "application/x-amz-json-1.1"):
            return f"POST {handler.path} with Content-Type {headers.get('Content-Type')}"
        if headers.get("X-Amz-Target") != "secretsmanager.GetSecretValue":
            return f"X-Amz-Target {headers.get('X-Amz-Target')}"
        amz_date = headers.get("X-Amz-Date", "")
        try:
            signed_at = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            return f"X-Amz-Date {amz_date!r}"
        if abs(time.time() - signed_at) > 300:
            return f"X-Amz-Date {amz_date} is not within 5 minutes"
        if headers.get("X-Amz-Security-Token") != self.session_token:
            return "no or another session token"
        match = _AUTHORIZATION.fullmatch(headers.get("Authorization", ""))
        if match is None:
            return f"Authorization {headers.get('Authorization')!r}"
        scope = (match["key"], match["date"], match["region"], match["service"])
        if scope != (self.access_key_id, amz_date[:8], self.region, "secretsmanager"):
            return f"credential scope {scope}"
        signed = match["signed"].split(";")
        if not MUST_SIGN <= set(signed) or signed != sorted(signed):
            return f"SignedHeaders {match['signed']}"
        request = AWSRequest(
            method="POST", url=f"{self.endpoint}/", data=body, headers={name: headers[name] for name in signed}
        )
        request.context["timestamp"] = amz_date
        credentials = Credentials(self.access_key_id, self.secret_access_key, self.session_token)
        signer = SigV4Auth(credentials, "secretsmanager", self.region)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        if match["signature"] != expected:
            return "the signature does not match the request"
        return None


def _handler(stub: StubSecretsManager) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if stub.delay:
                time.sleep(stub.delay)
            problem = stub.check(self, body)
            if problem is not None:
                stub.violations.append(problem)
                return self._reply(403, {"__type": "InvalidSignatureException", "message": problem})
            secret_id = json.loads(body).get("SecretId")
            stub.requests.append(secret_id)
            if stub.fail is not None:
                status, kind = stub.fail
                return self._reply(status, {"__type": kind, "Message": f"stub says {kind}"})
            if secret_id not in stub.secrets:
                message = "Secrets Manager can't find the specified secret."
                return self._reply(400, {"__type": "ResourceNotFoundException", "Message": message})
            name = secret_id.split(":")[-1]
            self._reply(200, {"ARN": secret_id, "Name": name, "SecretString": stub.secrets[secret_id]})

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up


def serve(stub: StubSecretsManager) -> Iterator[StubSecretsManager]:
    server = _Server(("127.0.0.1", 0), _handler(stub))
    stub.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
