"""AWS Budgets budgets: limit, notifications and subscribers read back through the
Budgets API, and gone with their stack."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.conftest import Cloud

OPS = "ops@example.com"


def _notification(kind: str, threshold: float) -> dict[str, Any]:
    return {
        "Notification": {
            "NotificationType": kind,
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": threshold,
            "ThresholdType": "PERCENTAGE",
        },
        "Subscribers": [{"SubscriptionType": "EMAIL", "Address": OPS}],
    }


BUDGET = {
    "Type": "AWS::Budgets::Budget",
    "Properties": {
        "Budget": {
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": 125.5, "Unit": "USD"},
            "CostTypes": {"IncludeCredit": False, "IncludeRefund": False},
        },
        "NotificationsWithSubscribers": [_notification("ACTUAL", 80), _notification("FORECASTED", 100)],
        "ResourceTags": [{"Key": "Pattern", "Value": "account-baseline"}],
    },
}


def _account(cloud: Cloud) -> str:
    return str(cloud.client("sts").get_caller_identity()["Account"])


def test_a_budget_reads_back_with_its_limit_notifications_and_subscribers(cloud: Cloud) -> None:
    assert cloud.deploy({"Budget": BUDGET})["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    name, account = cloud.physical_id("Budget"), _account(cloud)
    assert "Budget" in name  # CloudFormation names an unnamed budget after its logical ID
    budgets = cloud.client("budgets")
    budget = budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
    assert (budget["BudgetType"], budget["TimeUnit"]) == ("COST", "MONTHLY")
    assert budget["BudgetLimit"] == {"Amount": "125.5", "Unit": "USD"}
    assert (budget["CostTypes"]["IncludeCredit"], budget["CostTypes"]["IncludeRefund"]) == (False, False)
    notifications = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)["Notifications"]
    assert sorted((n["NotificationType"], n["Threshold"]) for n in notifications) == [
        ("ACTUAL", 80.0),
        ("FORECASTED", 100.0),
    ]
    for notification in notifications:
        subscribers = budgets.describe_subscribers_for_notification(
            AccountId=account, BudgetName=name, Notification=notification
        )["Subscribers"]
        assert subscribers == [{"SubscriptionType": "EMAIL", "Address": OPS}]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert budgets.describe_budgets(AccountId=account).get("Budgets", []) == []


def test_a_named_budget_keeps_its_name(cloud: Cloud) -> None:
    named = {**BUDGET, "Properties": {**BUDGET["Properties"], "Budget": {**BUDGET["Properties"]["Budget"]}}}
    named["Properties"]["Budget"]["BudgetName"] = "monthly"
    cloud.deploy({"Budget": named})
    assert cloud.physical_id("Budget") == "monthly"
    budget = cloud.client("budgets").describe_budget(AccountId=_account(cloud), BudgetName="monthly")["Budget"]
    assert budget["BudgetLimit"]["Amount"] == "125.5"


def test_subscribers_of_an_unknown_notification_are_not_found(cloud: Cloud) -> None:
    cloud.deploy({"Budget": BUDGET})
    unknown = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 55.0}
    with pytest.raises(Exception, match="the notification doesn't exist"):
        cloud.client("budgets").describe_subscribers_for_notification(
            AccountId=_account(cloud), BudgetName=cloud.physical_id("Budget"), Notification=unknown
        )
