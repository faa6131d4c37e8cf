"""WebTier refuses bad input at synth, naming the property, the value and what is allowed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_refarch import LoadBalancerOptions, PatternConfigError
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions
from cdk_refarch.web_tier import WebAppOptions, WebTier
from tests.cdk_refarch.web_tier.variants import ENV, WEB_APP, vpc
from tests.synthesis import CDK_CONTEXT


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _web_tier(**props: Any) -> WebTier:
    stack = Stack(App(context=CDK_CONTEXT), "T", env=ENV)
    props.setdefault("app", WebAppOptions(source=WEB_APP))
    props.setdefault("load_balancer", LoadBalancerOptions(plain_http=True))
    return WebTier(stack, "Web", vpc=vpc(stack), **props)


def test_min_above_max() -> None:
    with _raises("minimum (5) must not exceed maximum (2)"):
        Capacity(minimum=5, desired=5, maximum=2)


@pytest.mark.parametrize(("desired", "shown"), [(0, "0"), (7, "7")])
def test_desired_outside_min_max(desired: int, shown: str) -> None:
    with _raises(f"desired ({shown}) must be within [minimum, maximum] ([1, 6])"):
        Capacity(minimum=1, desired=desired, maximum=6)


@pytest.mark.parametrize("value", [True, float("nan"), 1.5])
def test_capacity_numbers(value: Any) -> None:
    with _raises(f"minimum ({value!r}) must be an integer at least 0"):
        Capacity(minimum=value)


def test_arm64_image_on_an_x86_instance_type() -> None:
    with _raises("instance_type ('t3.micro') is x86_64, but the image is arm64"):
        _web_tier(instance_type="t3.micro")


def test_x86_image_on_a_graviton_instance_type() -> None:
    with _raises("instance_type ('t4g.micro') is arm64, but the image is x86_64"):
        _web_tier(architecture="x86_64")


def test_an_instance_type_that_does_not_parse() -> None:
    with _raises("instance_type ('tiny') must be an EC2 instance type such as 't4g.micro'"):
        _web_tier(instance_type="tiny")


def test_health_check_timeout_not_below_interval() -> None:
    with _raises("timeout_seconds (10) must be below interval_seconds (10)"):
        HealthCheckOptions(interval_seconds=10, timeout_seconds=10)


@pytest.mark.parametrize("path", ["health", "", "http://x/health"])
def test_health_check_path_must_start_with_a_slash(path: str) -> None:
    with _raises(f"path ({path!r}) must start with '/'"):
        HealthCheckOptions(path=path)


@pytest.mark.parametrize("port", [0, 65536, True])
def test_app_port_outside_tcp(port: Any) -> None:
    with _raises(f"port ({port!r}) must be an integer from 1 to 65535"):
        WebAppOptions(source=WEB_APP, port=port)


def test_app_source_must_exist() -> None:
    with _raises("source ('/no/such/folder') must be an existing folder"):
        WebAppOptions(source="/no/such/folder")


def test_install_command_is_a_plain_command_line() -> None:
    with _raises("install_command ('sh install.sh; curl evil') must be a plain command line"):
        WebAppOptions(source=WEB_APP, install_command="sh install.sh; curl evil")


def test_https_without_a_domain() -> None:
    with _raises("HTTPS needs a certificate"):
        _web_tier(load_balancer=LoadBalancerOptions())


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("root_volume_gib", 4, "root_volume_gib (4) must be an integer from 8 to 16384"),
        ("health_check_grace_seconds", True, "health_check_grace_seconds (True) must be an integer from 0 to 7200"),
        ("cpu_target_percent", 95, "cpu_target_percent (95) must be an integer from 10 to 90"),
        ("requests_per_target", 0, "requests_per_target (0) must be an integer at least 1"),
        ("log_retention_days", 2, "log_retention_days (2) must be one of the CloudWatch Logs retention periods"),
    ],
)
def test_numbers(prop: str, value: Any, message: str) -> None:
    with _raises(message):
        _web_tier(**{prop: value})


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"environment": {"DB_PASSWORD": "x"}}, "environment variable DB_PASSWORD looks like a secret"),
        ({"environment": {"1X": "x"}}, "environment variable name ('1X') must match [A-Za-z_][A-Za-z0-9_]*"),
        (
            {"environment": {"STAGE": "a b"}},
            "environment variable STAGE ('a b') must hold only letters, digits and _ . / : @ + , = -, "
            "or be a deploy-time value: it is written into the install command line",
        ),
        ({"environment": {"STAGE": "it's"}}, 'environment variable STAGE ("it\'s") must hold only letters'),
        ({"secrets": {"LOGIN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"}}, "secrets variable LOGIN"),
        ({"secrets": {"LOGIN": None}}, "secrets variable LOGIN (None) must be a secretsmanager.ISecret"),
    ],
)
def test_app_environment_and_secrets(props: dict[str, Any], message: str) -> None:
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        WebAppOptions(source=WEB_APP, **props)


def test_app_environment_and_secrets_share_no_name() -> None:
    secret = secretsmanager.Secret(Stack(App(), "S"), "Login")
    with pytest.raises(PatternConfigError, match=re.escape("environment and secrets both set LOGIN")):
        WebAppOptions(source=WEB_APP, environment={"LOGIN": "x"}, secrets={"LOGIN": secret})
