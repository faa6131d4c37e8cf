"""The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL speaks it.

Three messages: ``client_first`` (a random nonce), ``client_final`` (the proof that the
client knows the password, computed from the server's salt and iteration count), and
``verify_server_final`` (the server's proof that it knows the password too: a server
that does not is refused, so a stolen endpoint cannot pose as the database).

No channel binding (the ``-PLUS`` variant, ``tls-server-end-point``): the ``ssl``
module of Python 3.9 cannot give the server certificate's hash in the form it needs
without parsing DER by hand, and the connection already verifies the server's
certificate and name (libpq's ``verify-full``), which is what channel binding would
add. So the client says ``n`` (it does not support channel binding) in its GS2 header.

PostgreSQL ignores the user name in SCRAM (it has the startup message's), so the
client sends an empty one, as libpq does; ``username`` is there for RFC test vectors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import stringprep
import unicodedata
from typing import Final

MECHANISM: Final = "SCRAM-SHA-256"
#: RFC 7677's minimum, and PostgreSQL's default.
MIN_ITERATIONS: Final = 4096
#: A bound on the work a server can ask for (PBKDF2 rounds, about 1 s at this count).
MAX_ITERATIONS: Final = 1_000_000
_GS2_HEADER: Final = "n,,"


class ScramError(Exception):
    """The exchange failed: a malformed message, or a server that did not prove itself."""


def _prohibited(char: str) -> bool:
    return any(
        check(char)
        for check in (
            stringprep.in_table_a1,  # unassigned in Unicode 3.2
            stringprep.in_table_c12,
            stringprep.in_table_c21_c22,
            stringprep.in_table_c3,
            stringprep.in_table_c4,
            stringprep.in_table_c5,
            stringprep.in_table_c6,
            stringprep.in_table_c7,
            stringprep.in_table_c8,
            stringprep.in_table_c9,
        )
    )


def saslprep(password: str) -> str:
    """The password as PostgreSQL prepares it (``pg_saslprep``: RFC 4013's SASLprep,
    its checks on the mapped characters before normalization); the password unchanged
    when it cannot be prepared, because PostgreSQL then uses it as it is."""
    if password.isascii():
        return password
    mapped = [" " if stringprep.in_table_c12(c) else c for c in password if not stringprep.in_table_b1(c)]
    if not mapped or any(_prohibited(c) for c in mapped):
        return password
    if any(stringprep.in_table_d1(c) for c in mapped):
        # Right-to-left text: no left-to-right character, and right-to-left at both ends.
        if any(stringprep.in_table_d2(c) for c in mapped) or not (
            stringprep.in_table_d1(mapped[0]) and stringprep.in_table_d1(mapped[-1])
        ):
            return password
    return unicodedata.normalize("NFKC", "".join(mapped))


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _attributes(message: bytes, expected: str) -> dict[str, str]:
    """``k=v,k=v`` as a dict; ``expected`` names the attributes that must be there."""
    try:
        text = message.decode("utf-8")
    except UnicodeDecodeError:
        raise ScramError("the server's message is not UTF-8") from None
    attributes: dict[str, str] = {}
    for part in text.split(","):
        name, equals, value = part.partition("=")
        if len(name) != 1 or not equals:
            raise ScramError(f"malformed attribute {part[:40]!r} in the server's message")
        attributes.setdefault(name, value)
    if "m" in attributes:
        raise ScramError("the server asks for an extension this client does not know")
    missing = [name for name in expected if name not in attributes]
    if missing:
        raise ScramError(f"the server's message lacks {', '.join(missing)}")
    return attributes


class ScramClient:
    """One SCRAM-SHA-256 exchange: ``client_first``, ``client_final``, ``verify_server_final``."""

    def __init__(self, password: str, *, username: str = "", nonce: str | None = None) -> None:
        self._password = saslprep(password).encode("utf-8")
        self._nonce = nonce if nonce is not None else base64.b64encode(secrets.token_bytes(18)).decode("ascii")
        escaped = username.replace("=", "=3D").replace(",", "=2C")
        self._client_first_bare = f"n={escaped},r={self._nonce}"
        self._server_signature: bytes | None = None

    def client_first(self) -> bytes:
        return (_GS2_HEADER + self._client_first_bare).encode("utf-8")

    def client_final(self, server_first: bytes) -> bytes:
        attributes = _attributes(server_first, "rsi")
        nonce = attributes["r"]
        if not nonce.startswith(self._nonce) or len(nonce) == len(self._nonce):
            raise ScramError("the server's nonce does not extend the client's")
        try:
            salt = base64.b64decode(attributes["s"], validate=True)
            iterations = int(attributes["i"])
        except ValueError:
            raise ScramError("the server's salt or iteration count is malformed") from None
        if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise ScramError(f"the server's iteration count {iterations} is outside {MIN_ITERATIONS}..{MAX_ITERATIONS}")
        salted = hashlib.pbkdf2_hmac("sha256", self._password, salt, iterations)
        client_key = _hmac(salted, b"Client Key")
        channel_binding = base64.b64encode(_GS2_HEADER.encode("ascii")).decode("ascii")
        without_proof = f"c={channel_binding},r={nonce}"
        auth_message = f"{self._client_first_bare},{server_first.decode('utf-8')},{without_proof}".encode()
        signature = _hmac(hashlib.sha256(client_key).digest(), auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        self._server_signature = _hmac(_hmac(salted, b"Server Key"), auth_message)
        return f"{without_proof},p={base64.b64encode(proof).decode('ascii')}".encode("ascii")

    def verify_server_final(self, server_final: bytes) -> None:
        """Returns only if the server proved that it knows the password."""
        if self._server_signature is None:
            raise ScramError("the server's final message came before the client's")
        attributes = _attributes(server_final, "")
        if "e" in attributes:
            raise ScramError(f"the server refused the proof: {attributes['e'][:80]}")
        try:
            signature = base64.b64decode(attributes.get("v", ""), validate=True)
        except ValueError:
            raise ScramError("the server's signature is malformed") from None
        if not hmac.compare_digest(signature, self._server_signature):
            raise ScramError("the server's signature is wrong: it does not know the password")
