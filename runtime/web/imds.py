"""A minimal client of the EC2 instance metadata service, IMDSv2 only.

It reads the instance identity document (zone, instance id, region) and the instance
profile role's temporary credentials, with a session token (``PUT``) that every read
(``GET``) carries, as "tokens required" (IMDSv2 only) instances demand. Requests never
go through a proxy, and each has a short timeout: the service is link-local.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Final, NamedTuple
from urllib.parse import urlsplit

import contract

IMDS_DEFAULT_ENDPOINT: Final = "http://169.254.169.254"
IMDS_TOKEN_PATH: Final = "/latest/api/token"
IMDS_IDENTITY_PATH: Final = "/latest/dynamic/instance-identity/document"
#: Lists the instance profile's role; ``<path><role>`` holds its temporary credentials.
IMDS_CREDENTIALS_PATH: Final = "/latest/meta-data/iam/security-credentials/"
IMDS_TOKEN_TTL_HEADER: Final = "X-aws-ec2-metadata-token-ttl-seconds"
IMDS_TOKEN_HEADER: Final = "X-aws-ec2-metadata-token"
#: The longest a token may live (6 hours); the client renews it a minute early.
IMDS_TOKEN_TTL_SECONDS: Final = 21600
IMDS_TOKEN_RENEW_EARLY_SECONDS: Final = 60
#: Metadata answers are a few hundred bytes; anything far larger is not the service.
IMDS_MAX_BYTES: Final = 64 * 1024
#: IAM role names: up to 64 of these characters.
_ROLE_NAME: Final = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")


class MetadataError(Exception):
    """The metadata service could not be read. The message is safe to show."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Identity(NamedTuple):
    availability_zone: str
    instance_id: str
    region: str


class ImdsClient:
    """A minimal IMDSv2 client: a session token (PUT), then reads (GET) that carry it.

    The token is cached until a minute before it expires, and renewed once when a read
    is refused with 401 (the service restarted, say). Every request has ``timeout``
    seconds for each socket operation, and proxies from the environment are ignored:
    the metadata service is link-local and must never be reached through a proxy.
    """

    def __init__(
        self,
        endpoint: str = IMDS_DEFAULT_ENDPOINT,
        *,
        timeout: float = contract.IMDS_TIMEOUT_SECONDS,
        token_ttl_seconds: int = IMDS_TOKEN_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"the metadata endpoint must be an http(s) URL, got {endpoint!r}")
        if not 2 * IMDS_TOKEN_RENEW_EARLY_SECONDS <= token_ttl_seconds <= IMDS_TOKEN_TTL_SECONDS:
            raise ValueError(
                f"token_ttl_seconds must be {2 * IMDS_TOKEN_RENEW_EARLY_SECONDS} to {IMDS_TOKEN_TTL_SECONDS}"
            )
        self.endpoint = endpoint.rstrip("/")
        self._timeout = timeout
        self._token_ttl = token_ttl_seconds
        self._clock = clock
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._lock = threading.Lock()
        self._token: str | None = None
        self._token_renew_at = 0.0

    def _request(self, method: str, path: str, headers: Mapping[str, str]) -> bytes:
        request = urllib.request.Request(self.endpoint + path, method=method, headers=dict(headers))
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                body: bytes = response.read(IMDS_MAX_BYTES + 1)
        except urllib.error.HTTPError as error:
            error.close()
            raise MetadataError(f"{method} {path}: HTTP {error.code}", status=error.code) from None
        except urllib.error.URLError as error:
            raise MetadataError(f"{method} {path}: {error.reason}") from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            # socket.timeout (not yet an alias of TimeoutError on 3.9), resets, bad responses.
            raise MetadataError(f"{method} {path}: {type(error).__name__}: {error}") from None
        if len(body) > IMDS_MAX_BYTES:
            raise MetadataError(f"{method} {path}: answer longer than {IMDS_MAX_BYTES} bytes")
        return body

    def _session_token(self) -> str:
        now = self._clock()
        if self._token is not None and now < self._token_renew_at:
            return self._token
        body = self._request("PUT", IMDS_TOKEN_PATH, {IMDS_TOKEN_TTL_HEADER: str(self._token_ttl)})
        token = body.decode("ascii", "replace").strip()
        if not token or not token.isprintable():
            raise MetadataError(f"PUT {IMDS_TOKEN_PATH}: no usable token in the answer")
        self._token = token
        self._token_renew_at = now + self._token_ttl - IMDS_TOKEN_RENEW_EARLY_SECONDS
        return token

    def get(self, path: str) -> bytes:
        """The body of ``GET path``; ``MetadataError`` on any failure."""
        with self._lock:
            try:
                return self._request("GET", path, {IMDS_TOKEN_HEADER: self._session_token()})
            except MetadataError as error:
                if error.status != HTTPStatus.UNAUTHORIZED:
                    raise
                self._token = None
            return self._request("GET", path, {IMDS_TOKEN_HEADER: self._session_token()})

    def identity(self) -> Identity:
        """Zone, instance id and region, from the instance identity document."""
        try:
            document = json.loads(self.get(IMDS_IDENTITY_PATH).decode("utf-8"))
        except ValueError:
            raise MetadataError(f"GET {IMDS_IDENTITY_PATH}: not a JSON document") from None
        fields = ("availabilityZone", "instanceId", "region")
        if not isinstance(document, dict) or not all(isinstance(document.get(f), str) for f in fields):
            raise MetadataError(f"GET {IMDS_IDENTITY_PATH}: missing {', '.join(fields)}")
        return Identity(document["availabilityZone"], document["instanceId"], document["region"])

    def role_credentials(self) -> dict[str, str]:
        """The instance profile role's temporary credentials: ``AccessKeyId``,
        ``SecretAccessKey``, ``Token`` and ``Expiration``. EC2 renews them well before
        they expire, so a caller that reads them for each use never holds stale ones."""
        listing = self.get(IMDS_CREDENTIALS_PATH).decode("utf-8", "replace").split()
        if not listing or not _ROLE_NAME.fullmatch(listing[0]):
            raise MetadataError(f"GET {IMDS_CREDENTIALS_PATH}: no instance profile role")
        path = IMDS_CREDENTIALS_PATH + listing[0]
        try:
            document = json.loads(self.get(path).decode("utf-8"))
        except ValueError:
            raise MetadataError(f"GET {path}: not a JSON document") from None
        fields = ("AccessKeyId", "SecretAccessKey", "Token")
        if not isinstance(document, dict) or document.get("Code") != "Success":
            code = document.get("Code") if isinstance(document, dict) else None
            raise MetadataError(f"GET {path}: no credentials (Code {code!r})")
        if not all(isinstance(document.get(f), str) and document[f] for f in fields):
            raise MetadataError(f"GET {path}: missing {', '.join(fields)}")
        return {f: document[f] for f in (*fields, "Expiration") if isinstance(document.get(f), str)}
