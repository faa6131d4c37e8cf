"""AccountBaseline stacks for the option assertions, synthesized once per test module with cdk-nag."""

from __future__ import annotations

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import AccessLogBucket
from cdk_refarch.account_baseline import AccountBaseline, BudgetAlarmOptions, TrailOptions

ENV = Environment(region="eu-west-1")
DEFAULTS, OPTIONS, SHARED = "BaselineDefaults", "BaselineOptions", "BaselineShared"
OPS = "ops@example.com"


def build(app: App) -> list[Stack]:
    # Every default, environment-agnostic, as the app's account stack is.
    defaults = Stack(app, DEFAULTS)
    AccountBaseline(defaults, "Baseline")

    # A named trail kept longer and archived later, a year of CloudWatch Logs, a budget
    # with its own thresholds, and DESTROY.
    full = Stack(app, OPTIONS, env=ENV)
    AccountBaseline(
        full,
        "Baseline",
        trail=TrailOptions(
            trail_name="org.audit_trail-1", retention_days=730, archive_after_days=180, log_retention_days=365
        ),
        monthly_budget_usd=125.5,
        alarms=BudgetAlarmOptions(email=OPS, actual_percent=50, forecasted_percent=90),
        removal_policy=RemovalPolicy.DESTROY,
    )

    # The stack's log bucket, no CloudWatch Logs, nothing archived.
    shared = Stack(app, SHARED, env=ENV)
    logs = AccessLogBucket(shared, "Logs")
    AccountBaseline(
        shared,
        "Baseline",
        trail=TrailOptions(cloudwatch_logs=False, archive_after_days=None),
        existing_log_bucket=logs.bucket,
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, full, shared]
