"""SigV4 (runtime/web/sigv4.py) against AWS's published test vectors and against botocore.

The vectors are from AWS's Signature Version 4 test suite (``get-vanilla`` and
``get-vanilla-query-order-key-case``: credentials ``AKIDEXAMPLE``, 2015-08-30T12:36:00Z,
us-east-1, service ``service``). botocore, an independent implementation, signs the
same Secrets Manager request, with a session token, and must agree.
"""

from __future__ import annotations

import calendar

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.runtime.web.conftest import SIGV4

EXAMPLE = SIGV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
SUITE_TIME = calendar.timegm((2015, 8, 30, 12, 36, 0))
SUITE_SCOPE = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"


def suite_authorization(query: str) -> str:
    headers = SIGV4.sign_request(
        "GET",
        "/",
        query,
        {"Host": "example.amazonaws.com"},
        b"",
        credentials=EXAMPLE,
        region="us-east-1",
        service="service",
        now=SUITE_TIME,
    )
    assert headers["X-Amz-Date"] == "20150830T123600Z"
    assert "X-Amz-Security-Token" not in headers  # long-term credentials have none
    return str(headers["Authorization"])


def test_get_vanilla() -> None:
    assert suite_authorization("") == (
        f"AWS4-HMAC-SHA256 Credential={SUITE_SCOPE}, SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_get_vanilla_query_order_key_case() -> None:
    assert suite_authorization("Param2=value2&Param1=value1").endswith(
        "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
    )


def test_a_secrets_manager_request_with_a_session_token_signs_as_botocore_does() -> None:
    credentials = SIGV4.Credentials("ASIAEXAMPLE", "c2VjcmV0IGtleQ==", "session/token+with=chars")
    body = b'{"SecretId": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf"}'
    request_headers = {
        "Host": "secretsmanager.eu-west-1.amazonaws.com",
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "secretsmanager.GetSecretValue",
    }
    now = calendar.timegm((2026, 11, 23, 16, 5, 9))

    ours = SIGV4.sign_request(
        "POST",
        "/",
        "",
        request_headers,
        body,
        credentials=credentials,
        region="eu-west-1",
        service="secretsmanager",
        now=now,
    )

    request = AWSRequest(method="POST", url="https://secretsmanager.eu-west-1.amazonaws.com/", data=body)
    for name, value in {**request_headers, **ours}.items():
        if name != "Authorization":
            request.headers[name] = value
    request.context["timestamp"] = "20261123T160509Z"
    signer = SigV4Auth(Credentials(*credentials), "secretsmanager", "eu-west-1")
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    assert ours["X-Amz-Security-Token"] == "session/token+with=chars"
    assert ours["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261123/eu-west-1/secretsmanager/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
        f"Signature={expected}"
    )


def test_header_values_are_trimmed_and_names_folded() -> None:
    def sign(headers: dict[str, str]) -> str:
        signed = SIGV4.sign_request(
            "GET", "/", "", headers, b"", credentials=EXAMPLE, region="us-east-1", service="service", now=SUITE_TIME
        )
        return str(signed["Authorization"])

    assert sign({"host": "example.amazonaws.com", "My-Header": "a   b "}) == sign(
        {"Host": " example.amazonaws.com", "my-header": "a b"}
    )


def test_a_request_without_host_is_refused() -> None:
    with pytest.raises(ValueError, match="Host"):
        SIGV4.sign_request("GET", "/", "", {}, b"", credentials=EXAMPLE, region="us-east-1", service="s")


def test_credentials_never_show_their_secret() -> None:
    credentials = SIGV4.Credentials("AKID", "the-secret-key", "the-token")
    assert "the-secret-key" not in repr(credentials) and "the-token" not in repr(credentials)
    assert "the-secret-key" not in str(credentials)
