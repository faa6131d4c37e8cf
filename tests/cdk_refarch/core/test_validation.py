"""The shared checks, and the rule every numeric input obeys: no bool, NaN or infinity."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from cdk_refarch import (
    AccessLogBucket,
    AlarmOptions,
    ApiFunction,
    PatternConfigError,
    ProvisionedCapacity,
    Throttle,
    UsagePlanOptions,
    WebAclOptions,
)
from cdk_refarch.core.alarms import add_alarm
from cdk_refarch.core.validation import check_bool, check_env_var_names, check_int, check_number
from stacks.serverless_api.stack import ITEMS_CODE
from tests.synthesis import CDK_CONTEXT

INF, NAN = float("inf"), float("nan")
ENV_NAME_RULE = "must match [A-Za-z_][A-Za-z0-9_]*: letters, digits and _, not starting with a digit"


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


# --- check_int ---------------------------------------------------------------------------


def test_check_int_returns_the_value_within_bounds() -> None:
    assert check_int("memory_size", 128, minimum=128, maximum=10_240) == 128
    assert check_int("memory_size", 10_240, minimum=128, maximum=10_240) == 10_240
    assert check_int("count", -5) == -5


@pytest.mark.parametrize("value", [True, False, 1.0, NAN, INF, -INF, "1", None])
def test_check_int_refuses_what_is_not_an_int(value: Any) -> None:
    with _raises(f"memory_size ({value!r}) must be an integer from 128 to 10240 MB"):
        check_int("memory_size", value, minimum=128, maximum=10_240, unit="MB")


@pytest.mark.parametrize(
    ("bounds", "value", "allowed"),
    [
        ({"minimum": 1, "maximum": 29}, 30, "an integer from 1 to 29"),
        ({"minimum": 1, "maximum": 29}, 0, "an integer from 1 to 29"),
        ({"minimum": 1}, 0, "an integer at least 1"),
        ({"maximum": 10, "unit": "days"}, 11, "an integer at most 10 days"),
        ({}, "x", "an integer"),
    ],
)
def test_check_int_names_what_is_allowed(bounds: dict[str, Any], value: Any, allowed: str) -> None:
    with pytest.raises(PatternConfigError) as error:
        check_int("prop", value, **bounds)
    assert str(error.value) == f"prop ({value!r}) must be {allowed}"


@pytest.mark.parametrize(
    ("value", "minimum", "maximum", "allowed"),
    [
        (9, 10, 2_000_000_000, "from 10 to 2000000000"),
        (0, 1, 1_000_001, "from 1 to 1000001"),
        (2_000_000, 1, 1_234_567, "from 1 to 1234567"),
    ],
)
def test_large_bounds_are_written_out(value: int, minimum: int, maximum: int, allowed: str) -> None:
    """``:g`` would print 2e+09, and 1e+06 for 1000001, which is not the bound."""
    with pytest.raises(PatternConfigError) as error:
        check_int("rate_limit", value, minimum=minimum, maximum=maximum)
    assert str(error.value) == f"rate_limit ({value}) must be an integer {allowed}"


# --- check_number ------------------------------------------------------------------------


def test_check_number_returns_a_float_within_bounds() -> None:
    assert check_number("rate_limit", 5, above=0) == 5.0
    assert isinstance(check_number("rate_limit", 5, above=0), float)
    assert check_number("ratio", 1, minimum=0, maximum=1) == 1.0


@pytest.mark.parametrize("value", [True, False, NAN, INF, -INF, "1", None])
def test_check_number_refuses_bool_nan_infinity_and_non_numbers(value: Any) -> None:
    with _raises(f"server_error_rate ({value!r}) must be a finite number above 0 below 1"):
        check_number("server_error_rate", value, above=0, below=1)


@pytest.mark.parametrize(
    ("bounds", "value", "allowed"),
    [
        ({"above": 0}, 0, "a finite number above 0"),
        ({"below": 1}, 1, "a finite number below 1"),
        ({"minimum": 0.5, "maximum": 2.5, "unit": "s"}, 2.51, "a finite number from 0.5 to 2.5 s"),
        ({"minimum": 10}, 9.99, "a finite number at least 10"),
        ({"maximum": 29_000}, 29_000.5, "a finite number at most 29000"),
        ({"above": 0, "below": 1}, 5, "a finite number above 0 below 1"),
    ],
)
def test_check_number_bounds(bounds: dict[str, Any], value: float, allowed: str) -> None:
    with pytest.raises(PatternConfigError) as error:
        check_number("prop", value, **bounds)
    assert str(error.value) == f"prop ({value!r}) must be {allowed}"


# --- check_bool and check_env_var_names -------------------------------------------------


@pytest.mark.parametrize("value", [1, 0, "true", "", None])
def test_check_bool_refuses_truthy_values(value: Any) -> None:
    with _raises(f"access_logs ({value!r}) must be True or False"):
        check_bool("access_logs", value)


def test_check_bool_accepts_bools() -> None:
    assert check_bool("flag", True) is True
    assert check_bool("flag", False) is False


@pytest.mark.parametrize("name", ["1X", "A-B", "A B", "", "A\n", "ÄB", None])
def test_env_var_names_refused(name: Any) -> None:
    with pytest.raises(PatternConfigError) as error:
        check_env_var_names("environment variable", ["GOOD", name])
    assert str(error.value) == f"environment variable name ({name!r}) {ENV_NAME_RULE}"


def test_env_var_names_accepted() -> None:
    check_env_var_names("environment variable", ["A", "_A", "a_1", "TABLE_NAME", "_"])


# --- every numeric option: no bool, NaN or infinity -------------------------------------

#: Each options type with what it needs besides the field under test.
OPTIONS: list[tuple[type, dict[str, Any]]] = [
    (Throttle, {}),
    (UsagePlanOptions, {}),
    (ApiFunction, {"code_path": ITEMS_CODE}),
    (AlarmOptions, {}),
    (ProvisionedCapacity, {}),
    (WebAclOptions, {}),
]
NUMERIC_FIELDS = [
    (options, required, field.name)
    for options, required in OPTIONS
    for field in dataclasses.fields(options)
    if str(field.type).split(" | ")[0] in ("int", "float")
]


def test_the_numeric_fields_are_all_found() -> None:
    names = {f"{options.__name__}.{name}" for options, _, name in NUMERIC_FIELDS}
    assert names == {
        "Throttle.rate_limit",
        "Throttle.burst_limit",
        "UsagePlanOptions.rate_limit",
        "UsagePlanOptions.burst_limit",
        "UsagePlanOptions.quota_per_day",
        "ApiFunction.memory_size",
        "ApiFunction.timeout_seconds",
        "ApiFunction.reserved_concurrency",
        "ApiFunction.account_concurrency_limit",
        "AlarmOptions.server_error_rate",
        "AlarmOptions.latency_p99_ms",
        "ProvisionedCapacity.min_read",
        "ProvisionedCapacity.max_read",
        "ProvisionedCapacity.min_write",
        "ProvisionedCapacity.max_write",
        "ProvisionedCapacity.target_utilization_percent",
        "WebAclOptions.rate_limit",
    }


@pytest.mark.parametrize("value", [True, False, NAN, INF, -INF], ids=["True", "False", "nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("options", "required", "name"),
    NUMERIC_FIELDS,
    ids=[f"{options.__name__}.{name}" for options, _, name in NUMERIC_FIELDS],
)
def test_every_numeric_option_refuses_bool_nan_and_infinity(
    options: type, required: dict[str, Any], name: str, value: Any
) -> None:
    with pytest.raises(PatternConfigError) as error:
        options(**required, **{name: value})
    message = str(error.value)
    assert message.startswith(f"{name} (")
    assert f"({value!r}) must be " in message
    assert "an integer" in message or "a finite number" in message


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "Test")


@pytest.mark.parametrize("value", [True, NAN, INF])
def test_construct_numbers_refuse_bool_nan_and_infinity(value: Any) -> None:
    with _raises(f"expiration_days ({value!r}) must be an integer at least 1 days"):
        AccessLogBucket(_stack(), "Logs", expiration_days=value)
    stack = _stack()
    with _raises(f"Latency threshold ({value!r}) must be a finite number"):
        add_alarm(
            stack,
            "Latency",
            metric=cloudwatch.Metric(namespace="Test", metric_name="Latency"),
            threshold=value,
            description="test",
            topic=sns.Topic(stack, "Topic"),
        )


def test_the_jsii_kernel_still_works_after_every_refusal() -> None:
    """NaN or infinity serialized to jsii kills its kernel (every later CDK call in the
    process fails with a broken pipe), so the checks must refuse them before jsii sees them."""
    for options, required, name in NUMERIC_FIELDS:
        for value in (NAN, INF, -INF):
            with pytest.raises(PatternConfigError):
                options(**required, **{name: value})
    with pytest.raises(PatternConfigError):
        AccessLogBucket(_stack(), "Logs", expiration_days=NAN)
    stack = _stack()
    AccessLogBucket(stack, "Logs", expiration_days=30)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::S3::Bucket", 1)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "ExpirationInDays": 30,
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        "Status": "Enabled",
                        "Id": "expire-logs",
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    }
                ]
            }
        },
    )
