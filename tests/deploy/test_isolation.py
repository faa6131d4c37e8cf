"""The emulator and AWS stay apart: loopback only for the sandbox, never loopback for AWS."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from deploy.isolation import (
    NODE_BIN,
    SANDBOX_ACCESS_KEY_ID,
    EndpointError,
    emulator_process_environment,
    refuse_emulator_endpoint,
    require_loopback,
    sandbox_environment,
)

# What a developer's shell may hold: a real profile, a session, a role, CDK defaults.
REAL_SHELL = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/home/dev",
    "LANG": "C.UTF-8",
    "AWS_PROFILE": "production-admin",
    "AWS_DEFAULT_PROFILE": "production-admin",
    "AWS_ACCESS_KEY_ID": "AKIAREALKEY000000000",
    "AWS_SECRET_ACCESS_KEY": "real-secret",
    "AWS_SESSION_TOKEN": "real-session-token",
    "AWS_ROLE_ARN": "arn:aws:iam::111111111111:role/admin",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
    "AWS_CONFIG_FILE": "/home/dev/.aws/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/home/dev/.aws/credentials",
    "AWS_ENDPOINT_URL_S3": "https://s3.eu-west-1.amazonaws.com",
    "AWS_CA_BUNDLE": "/etc/ssl/corp.pem",
    "CDK_DEFAULT_ACCOUNT": "111111111111",
    "CDK_DEFAULT_REGION": "eu-west-1",
    "HTTPS_PROXY": "http://proxy.corp:3128",
}


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4566",
        "http://LOCALHOST:80",
        "https://localhost",
        "http://127.0.0.1:5000",
        "http://127.8.9.10:1",
        "http://[::1]:4566",
    ],
)
def test_loopback_endpoints_are_accepted(url: str) -> None:
    assert require_loopback(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com",
        "https://cloudformation.us-east-1.amazonaws.com",
        "http://10.0.0.5:4566",
        "http://192.168.1.20:4566",
        "http://0.0.0.0:4566",
        "http://localhost.example.com:4566",
        "http://127.0.0.1.nip.io:4566",
        "http://localhost@evil.example.com:4566",
        "ftp://localhost:21",
        "localhost:4566",
        "",
    ],
)
def test_other_endpoints_are_refused_with_a_clear_error(url: str) -> None:
    with pytest.raises(EndpointError, match=r"only talks to an emulator on this machine"):
        require_loopback(url)


def test_sandbox_environment_keeps_nothing_of_the_callers_aws_setup(tmp_path: Path) -> None:
    env = sandbox_environment("http://localhost:4566", tmp_path, base=REAL_SHELL)

    leaked = {key: value for key, value in env.items() if value in REAL_SHELL.values() and key != "LANG"}
    assert leaked == {}
    assert not {key for key in env if key.startswith("CDK_DEFAULT")}
    assert {key for key in env if key.startswith("AWS_")} == {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_EC2_METADATA_DISABLED",
    }
    assert env["AWS_ACCESS_KEY_ID"] == SANDBOX_ACCESS_KEY_ID
    assert env["AWS_ENDPOINT_URL"] == "http://localhost:4566"
    for key in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        path = Path(env[key])
        assert path.is_relative_to(tmp_path.resolve()) and path.read_text() == ""
    # ~/.cdk.json could name a profile: the CLI gets a HOME of its own.
    assert Path(env["HOME"]).is_relative_to(tmp_path.resolve())
    assert env["PATH"].split(":")[0] == str(NODE_BIN)
    assert "HTTPS_PROXY" not in env and "localhost" in env["NO_PROXY"]


def test_sandbox_environment_refuses_a_remote_endpoint(tmp_path: Path) -> None:
    with pytest.raises(EndpointError):
        sandbox_environment("https://cloudformation.us-east-1.amazonaws.com", tmp_path, base=REAL_SHELL)


def test_boto3_in_the_sandbox_environment_sees_only_the_dummy_credentials(tmp_path: Path) -> None:
    # A real profile with a credential process, selected by AWS_PROFILE, as in a dev shell.
    config = tmp_path / "real-config"
    config.write_text("[profile production-admin]\ncredential_process = echo must-not-run\nregion = eu-west-1\n")
    shell = {**REAL_SHELL, "AWS_CONFIG_FILE": str(config), "PATH": REAL_SHELL["PATH"]}
    env = sandbox_environment("http://localhost:4566", tmp_path / "state", base=shell)
    probe = (
        "import boto3; s = boto3.session.Session(); c = s.get_credentials();"
        "print(c.access_key, c.token, s.region_name, s.client('s3').meta.endpoint_url)"
    )
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == [SANDBOX_ACCESS_KEY_ID, "None", "us-east-1", "http://localhost:4566"]


def test_the_emulator_process_gets_no_aws_variables() -> None:
    env = emulator_process_environment(REAL_SHELL)
    assert {key for key in env if key.startswith(("AWS_", "CDK_"))} == {"AWS_EC2_METADATA_DISABLED"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AWS_ENDPOINT_URL", "http://localhost:4566"),
        ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"),
        ("AWS_ENDPOINT_URL_CLOUDFORMATION", "http://[::1]:4566"),
    ],
)
def test_the_real_account_path_refuses_a_local_endpoint(name: str, value: str) -> None:
    with pytest.raises(EndpointError, match=rf"{name}=.*emulator on this machine.*unset {name}"):
        refuse_emulator_endpoint({"AWS_PROFILE": "dev", name: value})


def test_the_real_account_path_refuses_a_local_endpoint_from_the_profile() -> None:
    with pytest.raises(EndpointError, match="in your AWS profile"):
        refuse_emulator_endpoint({}, configured="http://localhost:4566")


def test_the_real_account_path_accepts_aws_endpoints() -> None:
    refuse_emulator_endpoint(
        {"AWS_ENDPOINT_URL_S3": "https://s3.eu-west-1.amazonaws.com", "AWS_PROFILE": "dev"},
        configured="https://sts.eu-west-1.amazonaws.com",
    )
