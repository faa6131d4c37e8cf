"""The optional monthly cost budget, which mails before the month's bill surprises anyone."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_budgets as budgets
from constructs import Construct

from cdk_refarch.account_baseline.options import BudgetAlarmOptions

Budget = budgets.CfnBudget


def monthly_budget(
    scope: Construct, *, limit_usd: float, alarms: BudgetAlarmOptions, removal_policy: RemovalPolicy
) -> budgets.CfnBudget:
    """``MonthlyBudget``: the account's cost per calendar month against ``limit_usd``,
    mailing ``alarms.email`` when the actual cost passes ``actual_percent`` of it and when
    the forecast passes ``forecasted_percent``.

    Credits and refunds are left out of the cost: with them, an account living on
    promotional credits would show no cost, and the budget would never warn while the
    credits run out. Unnamed, so CloudFormation names it: a retained budget never blocks
    the stack's next creation under the same name.
    """
    assert alarms.email is not None  # check_account_baseline refuses a budget without one
    subscribers = [Budget.SubscriberProperty(address=alarms.email, subscription_type="EMAIL")]

    def notify(kind: str, percent: float) -> Budget.NotificationWithSubscribersProperty:
        return Budget.NotificationWithSubscribersProperty(
            notification=Budget.NotificationProperty(
                notification_type=kind,
                comparison_operator="GREATER_THAN",
                threshold=percent,
                threshold_type="PERCENTAGE",
            ),
            subscribers=subscribers,
        )

    budget = Budget(
        scope,
        "MonthlyBudget",
        budget=Budget.BudgetDataProperty(
            budget_type="COST",
            time_unit="MONTHLY",
            budget_limit=Budget.SpendProperty(amount=limit_usd, unit="USD"),
            cost_types=Budget.CostTypesProperty(include_credit=False, include_refund=False),
        ),
        notifications_with_subscribers=[
            notify("ACTUAL", alarms.actual_percent),
            notify("FORECASTED", alarms.forecasted_percent),
        ],
    )
    budget.apply_removal_policy(removal_policy)
    return budget
