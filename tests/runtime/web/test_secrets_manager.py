"""The database's login from Secrets Manager (runtime/web/secrets_manager.py), read with
the instance role's credentials from the stub metadata service, from a stub Secrets
Manager that verifies every signature with botocore."""

from __future__ import annotations

import json
import threading

import pytest

from tests.runtime.web.conftest import IMDS, ROLE_CREDENTIALS, ROLE_NAME, SECRETS_MANAGER, TIMEOUT, StubImds
from tests.runtime.web.pg_cluster import APP_PASSWORD, APP_USER
from tests.runtime.web.stub_secrets_manager import REGION, SECRET_ARN, StubSecretsManager

SM = SECRETS_MANAGER


def client(imds: StubImds, stub: StubSecretsManager, **kwargs: object) -> object:
    credentials = SM.instance_role_credentials(IMDS.ImdsClient(imds.endpoint))
    return SM.SecretsManagerClient(stub.endpoint, REGION, credentials, **kwargs)


# ------------------------------------------------------------- the request itself


def test_get_secret_value_is_a_signed_request_that_the_service_accepts(
    imds: StubImds, secrets_manager: StubSecretsManager
) -> None:
    secret = client(imds, secrets_manager).get_secret_string(SECRET_ARN)

    assert json.loads(secret) == {"username": APP_USER, "password": APP_PASSWORD}
    assert secrets_manager.violations == []
    assert secrets_manager.requests == [SECRET_ARN]
    # The role's credentials come from IMDSv2: the role's name, then its credentials.
    assert [path for method, path in imds.log if method == "GET"] == [
        IMDS.IMDS_CREDENTIALS_PATH,
        IMDS.IMDS_CREDENTIALS_PATH + ROLE_NAME,
    ]
    assert imds.violations == []


def test_the_stub_refuses_a_request_signed_with_another_key(
    imds: StubImds, secrets_manager: StubSecretsManager
) -> None:
    imds.credentials = {**ROLE_CREDENTIALS, "SecretAccessKey": "someone-else-s-key"}

    with pytest.raises(SM.SecretError) as refused:
        client(imds, secrets_manager).get_secret_string(SECRET_ARN)

    assert refused.value.reason == "the database secret could not be read (InvalidSignatureException)"
    assert secrets_manager.violations == ["the signature does not match the request"]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("AccessDeniedException", "AccessDeniedException"),
        ("com.amazonaws.secretsmanager#DecryptionFailure", "DecryptionFailure"),
    ],
)
def test_a_refusal_names_the_service_s_error(
    imds: StubImds, secrets_manager: StubSecretsManager, kind: str, reason: str
) -> None:
    secrets_manager.fail = (400, kind)

    with pytest.raises(SM.SecretError) as refused:
        client(imds, secrets_manager).get_secret_string(SECRET_ARN)

    assert refused.value.reason == f"the database secret could not be read ({reason})"
    assert f"HTTP 400 {reason}: stub says {kind}" in str(refused.value)


def test_an_unknown_secret_is_resource_not_found(imds: StubImds, secrets_manager: StubSecretsManager) -> None:
    with pytest.raises(SM.SecretError, match="ResourceNotFoundException"):
        client(imds, secrets_manager).get_secret_string(SECRET_ARN + "x")


def test_a_slow_service_times_out(imds: StubImds, secrets_manager: StubSecretsManager) -> None:
    secrets_manager.delay = 1.0

    with pytest.raises(SM.SecretError) as slow:
        client(imds, secrets_manager, timeout=0.2).get_secret_string(SECRET_ARN)

    assert slow.value.reason == "the database secret could not be read (timeout)"


@pytest.mark.parametrize("problem", ["no role", "metadata fails", "credentials not ready"])
def test_without_role_credentials_nothing_is_sent(
    imds: StubImds, secrets_manager: StubSecretsManager, problem: str
) -> None:
    if problem == "no role":
        imds.role = None
    elif problem == "metadata fails":
        imds.fail_status = 500
    else:
        imds.credentials = {**ROLE_CREDENTIALS, "Code": "AssumeRoleUnauthorizedAccess"}

    with pytest.raises(SM.SecretError) as refused:
        client(imds, secrets_manager).get_secret_string(SECRET_ARN)

    assert refused.value.reason == "the database secret could not be read (no instance role credentials)"
    assert secrets_manager.requests == []


def test_the_endpoint_is_regional_and_must_be_a_url() -> None:
    assert SM.default_endpoint("eu-west-1") == "https://secretsmanager.eu-west-1.amazonaws.com"
    assert SM.default_endpoint("cn-north-1") == "https://secretsmanager.cn-north-1.amazonaws.com.cn"
    with pytest.raises(ValueError, match="http"):
        SM.SecretsManagerClient("ftp://example.com", REGION, lambda: None)


# ------------------------------------------------------------------ the kept login


def test_the_login_is_read_once_and_kept(imds: StubImds, secrets_manager: StubSecretsManager) -> None:
    secret = SM.DatabaseSecret(client(imds, secrets_manager), SECRET_ARN)

    first, second = secret.login(), secret.login()

    assert first == second == SM.Login(APP_USER, APP_PASSWORD)
    assert secrets_manager.reads() == 1
    assert APP_PASSWORD not in repr(first)


def test_a_refresh_reads_again_once_however_many_threads_ask(
    imds: StubImds, secrets_manager: StubSecretsManager
) -> None:
    secret = SM.DatabaseSecret(client(imds, secrets_manager), SECRET_ARN)
    stale = secret.login()
    secrets_manager.set_login(APP_USER, "rotated")  # RDS rotated it
    start = threading.Barrier(6)
    fresh: list[object] = []

    def refresh() -> None:
        start.wait(TIMEOUT)
        fresh.append(secret.refresh(stale))

    threads = [threading.Thread(target=refresh) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert fresh == [SM.Login(APP_USER, "rotated")] * 6
    assert secrets_manager.reads() == 2  # the first read, and one after the rotation
    assert secret.refresh(secret.login()) == SM.Login(APP_USER, "rotated")
    assert secrets_manager.reads() == 3  # refusing the current login reads again


@pytest.mark.parametrize(
    "content",
    ["not json at all", json.dumps({"username": APP_USER}), json.dumps(["a", "list"]), json.dumps({"password": "x"})],
)
def test_a_secret_without_a_login_is_refused_without_showing_it(
    imds: StubImds, secrets_manager: StubSecretsManager, content: str
) -> None:
    secrets_manager.secrets[SECRET_ARN] = content
    secret = SM.DatabaseSecret(client(imds, secrets_manager), SECRET_ARN)

    with pytest.raises(SM.SecretError) as refused:
        secret.login()

    assert refused.value.reason == "the database secret could not be read (not a database login)"
    assert content not in str(refused.value)
