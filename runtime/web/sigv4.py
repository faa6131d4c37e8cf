"""AWS Signature Version 4 for one HTTP request, on the standard library.

``sign_request`` returns the headers that authenticate a request to an AWS service
(``X-Amz-Date``, ``X-Amz-Security-Token`` with temporary credentials, ``Authorization``),
as the AWS SDKs compute them:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html

The canonical request signs the method, the path, the query, every header passed in
(``Host`` must be one) and the SHA-256 of the body. Paths are encoded once, which is
right for the paths this application uses (``/``, unreserved characters); S3's
special cases (unsigned payloads, unnormalized paths) are not needed here and left out.
tests/runtime/web checks it against AWS's published test vectors and against botocore.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Final, NamedTuple
from urllib.parse import parse_qsl, quote

ALGORITHM: Final = "AWS4-HMAC-SHA256"
#: Characters that SigV4 leaves unencoded (RFC 3986 unreserved).
_UNRESERVED: Final = "-_.~"


class Credentials(NamedTuple):
    access_key_id: str
    secret_access_key: str
    #: The session token of temporary credentials (an instance role's); ``None`` otherwise.
    session_token: str | None = None

    def __repr__(self) -> str:
        # Never the secret key or the token in a log line or a traceback.
        return f"Credentials(access_key_id={self.access_key_id!r}, ...)"


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _encode(value: str) -> str:
    return quote(value, safe=_UNRESERVED)


def canonical_query(query: str) -> str:
    """The query's parameters, each name and value encoded, sorted."""
    pairs = [(_encode(name), _encode(value)) for name, value in parse_qsl(query, keep_blank_values=True)]
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """The canonical header block and the signed header list."""
    folded: dict[str, str] = {}
    for name, value in headers.items():
        folded[name.strip().lower()] = " ".join(str(value).split())
    names = sorted(folded)
    return "".join(f"{name}:{folded[name]}\n" for name in names), ";".join(names)


def signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret_access_key).encode("utf-8"), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def sign_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    now: float | None = None,
) -> dict[str, str]:
    """The headers to add to the request so that ``service`` in ``region`` accepts it.

    ``headers`` are the request's headers (with ``Host``), all of which are signed.
    ``now`` (seconds since the epoch) is the signing time; the current time by default.
    """
    if not any(name.lower() == "host" for name in headers):
        raise ValueError("the request must carry a Host header: it is signed")
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    added = {"X-Amz-Date": amz_date}
    if credentials.session_token:
        added["X-Amz-Security-Token"] = credentials.session_token
    header_block, signed_headers = _canonical_headers({**headers, **added})
    canonical_request = "\n".join(
        (
            method.upper(),
            quote(path or "/", safe="/" + _UNRESERVED),
            canonical_query(query),
            header_block,
            signed_headers,
            _sha256_hex(body),
        )
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join((ALGORITHM, amz_date, scope, _sha256_hex(canonical_request.encode("utf-8"))))
    key = signing_key(credentials.secret_access_key, amz_date[:8], region, service)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    added["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return added
