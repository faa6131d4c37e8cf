"""AccountBaseline refuses bad input at synth, naming the property, the value and what is allowed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Stack

from cdk_refarch import PatternConfigError
from cdk_refarch.account_baseline import AccountBaseline, BudgetAlarmOptions, TrailOptions
from tests.cdk_refarch.account_baseline.variants import ENV, OPS
from tests.synthesis import CDK_CONTEXT

RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _baseline(**props: Any) -> AccountBaseline:
    return AccountBaseline(Stack(App(context=CDK_CONTEXT), "T", env=ENV), "Baseline", **props)


# The trail.


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 129, "-trail", "trail_", "my--trail", "my-_trail", "bad name", "trail/1", "192.168.5.4", "", 7],
)
def test_trail_name_must_be_one_cloudtrail_accepts(name: object) -> None:
    with _raises(
        f"trail_name ({name!r}) must be 3 to 128 letters, digits, '.', '_' or '-', start and end with a "
        "letter or digit, have no two of '.', '_', '-' side by side, and not look like an IP address"
    ):
        TrailOptions(trail_name=name)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["abc", "a" * 128, "org.audit_trail-1", "1.2.3"])
def test_trail_names_cloudtrail_accepts_are_taken(name: str) -> None:
    assert TrailOptions(trail_name=name).trail_name == name


@pytest.mark.parametrize("days", [0, -1, True, 1.5, "365"])
def test_retention_days_must_be_a_positive_integer(days: object) -> None:
    with _raises(f"retention_days ({days!r}) must be an integer at least 1 days"):
        TrailOptions(retention_days=days)  # type: ignore[arg-type]


@pytest.mark.parametrize("days", [0, False, 2.0])
def test_archive_after_days_must_be_a_positive_integer(days: object) -> None:
    with _raises(f"archive_after_days ({days!r}) must be an integer at least 1 days"):
        TrailOptions(archive_after_days=days)  # type: ignore[arg-type]


@pytest.mark.parametrize("archive", [365, 400])
def test_files_are_archived_before_they_expire(archive: int) -> None:
    with _raises(
        f"archive_after_days ({archive}) must be below retention_days (365): S3 expires a log file only after "
        "it moved it; pass archive_after_days=None to keep every file in S3 Standard"
    ):
        TrailOptions(archive_after_days=archive)


def test_cloudwatch_logs_must_be_a_bool() -> None:
    with _raises("cloudwatch_logs ('yes') must be True or False"):
        TrailOptions(cloudwatch_logs="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("days", [10, 0, True])
def test_log_retention_days_must_be_a_cloudwatch_logs_period(days: object) -> None:
    with _raises(f"log_retention_days ({days!r}) must be one of the CloudWatch Logs retention periods: {RETENTIONS}"):
        TrailOptions(log_retention_days=days)  # type: ignore[arg-type]


# The budget.


@pytest.mark.parametrize("amount", [0, -5, 0.001, float("nan"), float("inf"), True, "50"])
def test_monthly_budget_usd_must_be_at_least_a_cent(amount: object) -> None:
    with _raises(f"monthly_budget_usd ({amount!r}) must be a finite number at least 0.01 USD"):
        _baseline(monthly_budget_usd=amount, alarms=BudgetAlarmOptions(email=OPS))


def test_a_budget_needs_an_email() -> None:
    with _raises(
        "monthly_budget_usd (50) needs an e-mail to warn: pass alarms=BudgetAlarmOptions(email='ops@example.com'); "
        "a budget that mails nobody guards nothing"
    ):
        _baseline(monthly_budget_usd=50)


@pytest.mark.parametrize("email", ["ops", "ops@example", "a b@example.com", 7])
def test_budget_email_must_be_an_address(email: object) -> None:
    with _raises(f"email ({email!r}) must be an e-mail address such as 'ops@example.com'"):
        BudgetAlarmOptions(email=email)  # type: ignore[arg-type]


@pytest.mark.parametrize("prop", ["actual_percent", "forecasted_percent"])
@pytest.mark.parametrize("percent", [0, 0.5, 1_000_001, float("nan"), True, "80"])
def test_thresholds_must_be_from_1_to_1000000_percent(prop: str, percent: object) -> None:
    with _raises(f"{prop} ({percent!r}) must be a finite number from 1 to 1000000"):
        BudgetAlarmOptions(**{prop: percent})  # type: ignore[arg-type]


# The construct's own properties.


def test_trail_must_be_trail_options() -> None:
    with _raises("trail ({'retention_days': 30}) must be a TrailOptions"):
        _baseline(trail={"retention_days": 30})


def test_alarms_must_be_budget_alarm_options() -> None:
    with _raises("alarms ('ops@example.com') must be a BudgetAlarmOptions"):
        _baseline(alarms=OPS)


def test_removal_policy_must_be_a_removal_policy() -> None:
    with _raises("removal_policy ('retain') must be a RemovalPolicy, e.g. RemovalPolicy.RETAIN"):
        _baseline(removal_policy="retain")
