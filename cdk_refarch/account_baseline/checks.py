"""AccountBaseline's cross-field input checks, in one function called before anything is built."""

from __future__ import annotations

from aws_cdk import RemovalPolicy

from cdk_refarch.account_baseline.options import BudgetAlarmOptions, TrailOptions
from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_number

#: Budgets counts in cents; below a cent CloudFormation would write the limit in exponent
#: form (1e-07), which is no amount Budgets accepts.
MIN_BUDGET_USD = 0.01


def check_account_baseline(
    *,
    trail: TrailOptions,
    monthly_budget_usd: float | None,
    alarms: BudgetAlarmOptions,
    removal_policy: RemovalPolicy,
) -> None:
    """Every rule on AccountBaseline's input that concerns more than one field, or a plain
    (non-dataclass) property."""
    require(isinstance(trail, TrailOptions), f"trail ({trail!r}) must be a TrailOptions")
    require(isinstance(alarms, BudgetAlarmOptions), f"alarms ({alarms!r}) must be a BudgetAlarmOptions")
    require(
        isinstance(removal_policy, RemovalPolicy),
        f"removal_policy ({removal_policy!r}) must be a RemovalPolicy, e.g. RemovalPolicy.RETAIN",
    )
    if monthly_budget_usd is None:
        return
    check_number("monthly_budget_usd", monthly_budget_usd, minimum=MIN_BUDGET_USD, unit="USD")
    require(
        alarms.email is not None,
        f"monthly_budget_usd ({monthly_budget_usd!r}) needs an e-mail to warn: pass "
        "alarms=BudgetAlarmOptions(email='ops@example.com'); a budget that mails nobody guards nothing",
    )
