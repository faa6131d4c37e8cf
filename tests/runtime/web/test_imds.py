"""The IMDSv2 client and the cached instance identity, against the stub metadata service."""

from __future__ import annotations

import io
import socket
import time

import pytest

from tests.runtime.web.conftest import CONTRACT, IDENTITY, IMDS, LOOPBACK, SERVER, StubImds

TOKEN = IMDS.IMDS_TOKEN_PATH
DOCUMENT = IMDS.IMDS_IDENTITY_PATH
EXPECTED = IMDS.Identity(IDENTITY["availabilityZone"], IDENTITY["instanceId"], IDENTITY["region"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------ the protocol


def test_identity_takes_a_token_then_reads_the_document_with_it(imds: StubImds) -> None:
    client = IMDS.ImdsClient(imds.endpoint)

    assert client.identity() == EXPECTED
    assert imds.log == [("PUT", TOKEN), ("GET", DOCUMENT)]
    assert imds.violations == []


def test_the_token_is_cached_until_shortly_before_it_expires(imds: StubImds) -> None:
    clock = FakeClock()
    client = IMDS.ImdsClient(imds.endpoint, token_ttl_seconds=600, clock=clock)

    client.identity()
    clock.now += 600 - IMDS.IMDS_TOKEN_RENEW_EARLY_SECONDS - 1
    client.identity()
    assert imds.count("PUT") == 1

    clock.now += 1
    client.identity()
    assert imds.count("PUT") == 2
    assert imds.count("GET") == 3
    assert imds.violations == []


def test_a_refused_token_is_renewed_once(imds: StubImds) -> None:
    client = IMDS.ImdsClient(imds.endpoint)
    client.identity()
    imds.revoke_tokens()  # the service restarted, say

    assert client.identity() == EXPECTED
    assert imds.log == [("PUT", TOKEN), ("GET", DOCUMENT), ("GET", DOCUMENT), ("PUT", TOKEN), ("GET", DOCUMENT)]
    assert imds.violations == []


def test_the_default_ttl_is_the_longest_the_service_allows() -> None:
    assert IMDS.IMDS_TOKEN_TTL_SECONDS == 21600
    with pytest.raises(ValueError, match="token_ttl_seconds"):
        IMDS.ImdsClient("http://169.254.169.254", token_ttl_seconds=21601)


def test_proxies_in_the_environment_are_ignored(imds: StubImds, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://{LOOPBACK}:{_closed_port()}"
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)

    assert IMDS.ImdsClient(imds.endpoint).identity() == EXPECTED


@pytest.mark.parametrize("endpoint", ["169.254.169.254", "ftp://169.254.169.254", "http://", "http://x/?q=1"])
def test_the_endpoint_must_be_an_http_url(endpoint: str) -> None:
    with pytest.raises(ValueError, match="http"):
        IMDS.ImdsClient(endpoint)


def test_a_trailing_slash_on_the_endpoint_is_fine(imds: StubImds) -> None:
    assert IMDS.ImdsClient(imds.endpoint + "/").identity() == EXPECTED
    assert imds.violations == []


# -------------------------------------------------------------------------- failures


def test_a_slow_service_times_out(imds: StubImds) -> None:
    imds.delay = 1.0
    client = IMDS.ImdsClient(imds.endpoint, timeout=0.2)

    started = time.monotonic()
    with pytest.raises(IMDS.MetadataError, match="timed out"):
        client.identity()
    assert time.monotonic() - started < 0.9


def test_an_absent_service_fails_fast() -> None:
    client = IMDS.ImdsClient(f"http://{LOOPBACK}:{_closed_port()}", timeout=0.5)

    with pytest.raises(IMDS.MetadataError, match=f"PUT {TOKEN}"):
        client.identity()


def test_an_http_error_names_the_request_and_the_status(imds: StubImds) -> None:
    imds.fail_status = 500

    with pytest.raises(IMDS.MetadataError, match=f"GET {DOCUMENT}: HTTP 500") as raised:
        IMDS.ImdsClient(imds.endpoint).identity()
    assert raised.value.status == 500


@pytest.mark.parametrize(
    "document",
    [b"not json", b"[]", {"availabilityZone": "eu-west-1b", "instanceId": "i-1"}, {**IDENTITY, "region": 7}],
    ids=["not-json", "not-an-object", "missing-region", "region-not-a-string"],
)
def test_a_malformed_document_is_an_error(imds: StubImds, document: object) -> None:
    imds.document = document

    with pytest.raises(IMDS.MetadataError, match=DOCUMENT):
        IMDS.ImdsClient(imds.endpoint).identity()


# ---------------------------------------------------------- the identity the server keeps


def test_the_identity_is_read_once_and_kept(imds: StubImds) -> None:
    metadata = SERVER.InstanceMetadata(IMDS.ImdsClient(imds.endpoint))

    assert metadata.lookup() == SERVER.Lookup(EXPECTED, None)
    assert metadata.lookup() == SERVER.Lookup(EXPECTED, None)
    assert imds.count("GET") == 1


def test_a_failure_is_kept_until_the_retry_time_then_asked_again(imds: StubImds) -> None:
    clock = FakeClock()
    imds.fail_status = 503
    metadata = SERVER.InstanceMetadata(IMDS.ImdsClient(imds.endpoint), retry_seconds=5.0, clock=clock)

    first = metadata.lookup()
    assert first.identity is None
    assert first.error == f"GET {DOCUMENT}: HTTP 503"
    clock.now += 4.9
    assert metadata.lookup() == first
    assert imds.count("GET") == 1

    imds.fail_status = None
    clock.now += 0.1
    assert metadata.lookup() == SERVER.Lookup(EXPECTED, None)
    assert imds.count("GET") == 2


def test_failures_are_logged_once_per_attempt(imds: StubImds) -> None:
    imds.fail_status = 500
    stream = io.StringIO()
    metadata = SERVER.InstanceMetadata(IMDS.ImdsClient(imds.endpoint), log=SERVER.JsonLog(stream))

    metadata.lookup()
    metadata.lookup()

    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert '"event":"metadata_unavailable"' in lines[0]
    assert '"level":"warning"' in lines[0]


def test_the_environment_picks_the_endpoint_or_turns_the_service_off(imds: StubImds) -> None:
    from_env = SERVER.InstanceMetadata.from_environ({CONTRACT.ENV_IMDS_ENDPOINT: imds.endpoint})
    assert from_env.lookup() == SERVER.Lookup(EXPECTED, None)

    default = SERVER.InstanceMetadata.from_environ({})
    assert default.client.endpoint == IMDS.IMDS_DEFAULT_ENDPOINT

    disabled = SERVER.InstanceMetadata.from_environ(
        {CONTRACT.ENV_IMDS_DISABLED: "True", CONTRACT.ENV_IMDS_ENDPOINT: imds.endpoint}
    )
    assert disabled.lookup() == SERVER.Lookup(None, f"instance metadata is disabled by {CONTRACT.ENV_IMDS_DISABLED}")
    assert imds.count("GET") == 1
