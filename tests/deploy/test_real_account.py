"""The real-account path, up to where credentials are needed, and the live smoke test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from deploy.assembly import StackArtifact
from deploy.isolation import ROOT
from deploy.real_account import NO_CREDENTIALS, Refusal, caller_account, check_bootstrap


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deploy.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def no_credentials(tmp_path: Path) -> dict[str, str]:
    """A shell with no AWS credentials anywhere: no keys, empty config files, no IMDS."""
    empty = tmp_path / "empty"
    empty.touch()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "CDK_"))}
    env.update(
        {
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": str(tmp_path),
        }
    )
    return env


@pytest.mark.parametrize("command", ["deploy", "destroy"])
def test_production_needs_an_explicit_confirmation(no_credentials: dict[str, str], command: str) -> None:
    # Refused before anything else, credentials included.
    result = run_cli([command, "--stage", "production"], no_credentials)
    assert result.returncode == 2, result.stderr
    assert "changes the production stacks" in result.stderr and "CONFIRM=production" in result.stderr


def test_a_wrong_confirmation_is_refused_too(no_credentials: dict[str, str]) -> None:
    result = run_cli(["deploy", "--stage", "production", "--confirm", "yes"], no_credentials)
    assert result.returncode == 2 and "CONFIRM=production" in result.stderr


@pytest.mark.parametrize("command", ["deploy", "destroy", "diff", "smoke"])
def test_an_emulator_endpoint_is_refused(no_credentials: dict[str, str], command: str) -> None:
    env = {
        **no_credentials,
        "AWS_ENDPOINT_URL": "http://localhost:4566",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
    }
    result = run_cli([command, "--stage", "sandbox"], env)
    assert result.returncode == 2, result.stderr
    assert "AWS_ENDPOINT_URL=http://localhost:4566 points at an emulator on this machine" in result.stderr
    assert "unset AWS_ENDPOINT_URL" in result.stderr


@pytest.mark.parametrize("command", ["deploy", "destroy", "diff", "smoke"])
def test_missing_credentials_are_refused_with_what_to_do(no_credentials: dict[str, str], command: str) -> None:
    result = run_cli([command, "--stage", "sandbox"], no_credentials)
    assert result.returncode == 2, result.stderr
    assert NO_CREDENTIALS in result.stderr


def test_a_profile_that_does_not_exist_is_refused(no_credentials: dict[str, str]) -> None:
    result = run_cli(["smoke", "--stage", "sandbox"], {**no_credentials, "AWS_PROFILE": "no-such-profile"})
    assert result.returncode == 2, result.stderr
    assert "your AWS configuration is broken: The config profile (no-such-profile) could not be found" in result.stderr


def test_caller_account_names_the_account_of_working_credentials() -> None:
    with mock_aws():
        assert caller_account(boto3.session.Session(region_name="us-east-1")) == "123456789012"


def stack(region: str | None, version: int = 6, qualifier: str = "hnb659fds") -> StackArtifact:
    return StackArtifact(
        id="StaticSite",
        stack_name="sandbox-static-site",
        account=None,
        region=region,
        template_file=Path("unused.json"),
        bootstrap_parameter=f"/cdk-bootstrap/{qualifier}/version",
        bootstrap_version=version,
    )


def test_a_missing_bootstrap_names_the_command_to_run() -> None:
    with mock_aws():
        session = boto3.session.Session(region_name="eu-west-1")
        with pytest.raises(Refusal) as refused:
            check_bootstrap(session, "123456789012", [stack("us-east-1"), stack(None)])
    message = str(refused.value)
    assert (
        "aws://123456789012/us-east-1 is not bootstrapped for the CDK (/cdk-bootstrap/hnb659fds/version not found)"
        in message
    )
    assert "  cdk bootstrap aws://123456789012/us-east-1\n" in message
    # A stack without a region goes to the session's region.
    assert "  cdk bootstrap aws://123456789012/eu-west-1\n" in message
    assert "node_modules/.bin" in message


def test_an_old_bootstrap_is_refused_and_a_recent_one_passes() -> None:
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        session.client("ssm").put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="5", Type="String")
        with pytest.raises(Refusal, match=r"has bootstrap version 5; these stacks need 6 or later"):
            check_bootstrap(session, "123456789012", [stack("us-east-1")])
        session.client("ssm").put_parameter(
            Name="/cdk-bootstrap/hnb659fds/version", Value="30", Type="String", Overwrite=True
        )
        check_bootstrap(session, "123456789012", [stack("us-east-1")])


def test_a_custom_qualifier_is_checked_under_its_own_parameter() -> None:
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        session.client("ssm").put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="30", Type="String")
        with pytest.raises(Refusal, match="/cdk-bootstrap/team1/version not found"):
            check_bootstrap(session, "123456789012", [stack("us-east-1", qualifier="team1")])


def _real_account_or_skip() -> None:
    """Skip unless this shell has working credentials for an account with the stack."""
    if any(
        os.environ.get(name, "").startswith(("http://localhost", "http://127."))
        for name in os.environ
        if name.startswith("AWS_ENDPOINT_URL")
    ):
        pytest.skip("AWS_ENDPOINT_URL points at an emulator: the real-account smoke test needs AWS")
    session = boto3.session.Session()
    if session.get_credentials() is None:
        pytest.skip(
            "no AWS credentials in this environment: the real-account smoke checks run here when credentials for a "
            "sandbox account are set and `make deploy STAGE=sandbox` has run (or run `make smoke STAGE=sandbox`)"
        )
    try:
        session.client("cloudformation", region_name="us-east-1").describe_stacks(
            StackName="StaticWebsite-Sandbox-Site"
        )
    except Exception as error:  # noqa: BLE001 - any reason AWS cannot show the stack means: nothing to check
        pytest.skip(f"StaticWebsite-Sandbox-Site is not readable in the account of these credentials ({error})")


@pytest.mark.aws
def test_static_site_smoke_checks_pass_in_a_real_account() -> None:
    _real_account_or_skip()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "deploy.cli",
            "smoke",
            "--stage",
            "sandbox",
            "--application",
            "static-website",
            "--stacks",
            "StaticWebsite-Sandbox-Site",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 failed" in result.stdout and "skip" not in result.stdout.split("smoke checks", 1)[1]
