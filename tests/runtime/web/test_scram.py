"""SCRAM-SHA-256 (runtime/web/scram.py): RFC 7677's exchange, a server's bad answers, SASLprep.

The logins against the real server are in test_postgres.py; these pin the computation
to the RFC's published example and check each refusal on its own.
"""

from __future__ import annotations

import pytest

from tests.runtime.web.conftest import SCRAM

# RFC 7677, section 3: user "user", password "pencil".
RFC_NONCE = "rOprNGfwEbeRWgbNEkqO"
RFC_SERVER_FIRST = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
RFC_CLIENT_FINAL = (
    b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
)
RFC_SERVER_FINAL = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def rfc_client() -> object:
    return SCRAM.ScramClient("pencil", username="user", nonce=RFC_NONCE)


def test_it_reproduces_rfc_7677_s_exchange() -> None:
    client = rfc_client()

    assert client.client_first() == b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    assert client.client_final(RFC_SERVER_FIRST) == RFC_CLIENT_FINAL
    client.verify_server_final(RFC_SERVER_FINAL)  # no exception: the server proved itself


def test_postgresql_s_form_sends_no_user_name_and_a_fresh_nonce() -> None:
    first, second = SCRAM.ScramClient("pw").client_first(), SCRAM.ScramClient("pw").client_first()

    assert first.startswith(b"n,,n=,r=") and second.startswith(b"n,,n=,r=")
    assert first != second
    assert len(first) - len(b"n,,n=,r=") == 24  # 18 random bytes, base64


@pytest.mark.parametrize(
    ("server_final", "message"),
    [
        (b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", "signature is wrong"),
        (b"e=invalid-proof", "refused the proof: invalid-proof"),
        (b"v=not base64!", "signature is malformed"),
    ],
)
def test_a_server_that_does_not_prove_itself_is_refused(server_final: bytes, message: str) -> None:
    client = rfc_client()
    client.client_final(RFC_SERVER_FIRST)

    with pytest.raises(SCRAM.ScramError, match=message):
        client.verify_server_final(server_final)


@pytest.mark.parametrize(
    ("server_first", "message"),
    [
        (b"r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce does not extend"),
        (b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce does not extend"),
        (b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095", "iteration count 4095"),
        (b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000001", "iteration count 1000001"),
        (b"r=rOprNGfwEbeRWgbNEkqOx,s=***,i=4096", "salt or iteration count is malformed"),
        (b"m=ext,r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "extension"),
        (b"r=rOprNGfwEbeRWgbNEkqOx,i=4096", "lacks s"),
        (b"garbage", "malformed attribute"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_server_first_message_is_refused(server_first: bytes, message: str) -> None:
    with pytest.raises(SCRAM.ScramError, match=message):
        rfc_client().client_final(server_first)


def test_a_final_message_before_the_exchange_is_refused() -> None:
    with pytest.raises(SCRAM.ScramError, match="came before"):
        rfc_client().verify_server_final(RFC_SERVER_FINAL)


@pytest.mark.parametrize(
    ("password", "prepared"),
    [
        ("plain ASCII, even with \u0007 controls", "plain ASCII, even with \u0007 controls"),
        ("I\u00adX", "IX"),  # RFC 4013's example: the soft hyphen maps to nothing
        ("\ufb01x", "fix"),  # NFKC: the ligature becomes two letters
        ("a\u00a0b", "a b"),  # a non-ASCII space becomes a space
        ("\u2168", "IX"),  # RFC 4013's example: ROMAN NUMERAL NINE
        ("é\u0007", "é\u0007"),  # a prohibited control: PostgreSQL uses the password as it is
        ("\U0001f600é", "\U0001f600é"),  # unassigned in Unicode 3.2: as it is
        ("\u0627\u0031", "\u0627\u0031"),  # right-to-left text that ends left-to-right: as it is
        ("\u0627\u0628", "\u0627\u0628"),  # proper right-to-left text: prepared (no change)
        ("\u00ad", "\u00ad"),  # nothing left after mapping: as it is
    ],
)
def test_saslprep_prepares_passwords_as_postgresql_does(password: str, prepared: str) -> None:
    assert SCRAM.saslprep(password) == prepared
