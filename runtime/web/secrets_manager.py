"""The database's login: the RDS-managed master secret, read from Secrets Manager.

``GetSecretValue`` is one signed ``POST`` (the JSON 1.1 protocol the AWS SDKs speak),
authenticated with SigV4 (``sigv4``) and the instance profile role's temporary
credentials, which the instance metadata service hands out (``imds``). The secret
holds ``{"username", "password"}``; ``DatabaseSecret`` keeps it until the database
refuses it (RDS rotates it every 7 days), then reads it again, once.

The credentials and the password never leave this process: no log line, error message
or ``repr`` holds them.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from collections.abc import Callable
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

import contract
import sigv4
from imds import ImdsClient, MetadataError

SERVICE: Final = "secretsmanager"
TARGET: Final = "secretsmanager.GetSecretValue"
CONTENT_TYPE: Final = "application/x-amz-json-1.1"
#: A secret holds at most 64 KiB; its answer adds a few hundred bytes of JSON.
MAX_ANSWER_BYTES: Final = 256 * 1024


class SecretError(Exception):
    """The secret could not be read. ``str()`` is the detail for the log; ``reason`` is
    short enough, and free enough of names, to show to anyone."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.reason = f"the database secret could not be read ({code})"


def default_endpoint(region: str) -> str:
    """The regional endpoint, in the partition of ``region`` (China's has its own domain)."""
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{SERVICE}.{region}.{domain}"


class SecretsManagerClient:
    """``GetSecretValue`` over HTTPS (HTTP only for a local stand-in), without proxies,
    with ``timeout`` seconds for each socket operation."""

    def __init__(
        self,
        endpoint: str,
        region: str,
        credentials: Callable[[], sigv4.Credentials],
        *,
        timeout: float = contract.SECRETS_MANAGER_TIMEOUT_SECONDS,
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"the Secrets Manager endpoint must be an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint.rstrip("/")
        self._parts = parts
        self._path = parts.path or "/"
        self._region = region
        self._credentials = credentials
        self._timeout = timeout
        # The system's trust store: Secrets Manager's certificates are publicly trusted.
        self._tls = ssl.create_default_context() if parts.scheme == "https" else None

    def _connection(self) -> http.client.HTTPConnection:
        host, port = self._parts.hostname, self._parts.port
        if self._tls is not None:
            return http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._tls)
        return http.client.HTTPConnection(host, port, timeout=self._timeout)

    def get_secret_string(self, secret_id: str) -> str:
        """The ``SecretString`` of ``secret_id`` (its current version); ``SecretError`` otherwise."""
        body = json.dumps({"SecretId": secret_id}).encode("utf-8")
        headers = {"Host": self._parts.netloc, "Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET}
        headers.update(
            sigv4.sign_request(
                "POST",
                self._path,
                "",
                headers,
                body,
                credentials=self._credentials(),
                region=self._region,
                service=SERVICE,
            )
        )
        connection = self._connection()
        try:
            connection.request("POST", self._path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read(MAX_ANSWER_BYTES + 1)
        except (OSError, http.client.HTTPException) as error:
            # socket.timeout (not yet TimeoutError on 3.9), refused, reset, TLS failures.
            kind = "timeout" if "timed out" in str(error) else type(error).__name__
            raise SecretError(f"POST {self.endpoint}: {type(error).__name__}: {error}", kind) from None
        finally:
            connection.close()
        if len(answer) > MAX_ANSWER_BYTES:
            raise SecretError(f"POST {self.endpoint}: answer longer than {MAX_ANSWER_BYTES} bytes", "answer too long")
        document = _json_object(answer)
        if response.status != 200:
            # "__type" is the error's name, at times after a namespace and "#".
            kind = str(document.get("__type") or f"HTTP {response.status}").rpartition("#")[2]
            message = document.get("Message") or document.get("message") or ""
            raise SecretError(f"GetSecretValue: HTTP {response.status} {kind}: {message}", kind)
        secret = document.get("SecretString")
        if not isinstance(secret, str):
            raise SecretError("GetSecretValue: the answer has no SecretString", "no SecretString")
        return secret


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def instance_role_credentials(imds: ImdsClient) -> Callable[[], sigv4.Credentials]:
    """Reads the instance role's credentials afresh for each call: the secret is read
    rarely (once, then after a rotation), so caching them is not worth an expiry to track."""

    def read() -> sigv4.Credentials:
        try:
            document = imds.role_credentials()
        except MetadataError as error:
            raise SecretError(f"instance role credentials: {error}", "no instance role credentials") from None
        return sigv4.Credentials(document["AccessKeyId"], document["SecretAccessKey"], document["Token"])

    return read


class Login(NamedTuple):
    username: str
    password: str

    def __repr__(self) -> str:
        return f"Login(username={self.username!r}, password=...)"


class DatabaseSecret:
    """The login in the secret ``secret_id``: read on first use, then kept.

    When the database refuses it, ``refresh(stale)`` reads the secret again, unless
    another thread already did since it was handed ``stale``: a rotation costs one read
    however many connections notice it at once.
    """

    def __init__(self, client: SecretsManagerClient, secret_id: str) -> None:
        self._client = client
        self._secret_id = secret_id
        self._lock = threading.Lock()
        self._login: Login | None = None
        #: How many times the secret was read (for the log and the tests).
        self.reads = 0

    def _read(self) -> Login:
        document = _json_object(self._client.get_secret_string(self._secret_id).encode("utf-8"))
        username, password = document.get("username"), document.get("password")
        if not (isinstance(username, str) and username and isinstance(password, str) and password):
            # Never the secret's content in the message: it may hold a password.
            raise SecretError("the secret holds no username and password", "not a database login")
        self.reads += 1
        self._login = Login(username, password)
        return self._login

    def login(self) -> Login:
        with self._lock:
            return self._login if self._login is not None else self._read()

    def refresh(self, stale: Login) -> Login:
        with self._lock:
            if self._login is not None and self._login is not stale:
                return self._login
            return self._read()
