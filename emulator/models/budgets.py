"""AWS Budgets budgets, which moto's CloudFormation leaves out.

The budget is created in moto's Budgets backend with its notifications and subscribers,
so ``DescribeBudget`` and ``DescribeNotificationsForBudget`` read it back; moto lacks
``DescribeSubscribersForNotification``, which this module adds (installed by the adapter)
so that who a notification mails reads back too. No cost is ever computed: the budget's
actual and forecasted spend stay 0, and no notification is sent. ``ResourceTags`` are not
kept (moto's Budgets has no tags).
"""

from __future__ import annotations

import json
from typing import Any

from moto.budgets.exceptions import NotFoundException
from moto.budgets.models import BudgetsBackend, budgets_backends
from moto.budgets.responses import BudgetsResponse
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from emulator.models.base import SandboxModel, as_list
from emulator.models.registry import api_action, registered


def _backend(account_id: str, region_name: str) -> BudgetsBackend:
    # Budgets is global: one backend per partition, whatever the stack's region.
    return budgets_backends[account_id][get_partition(region_name)]


def _amount(value: Any) -> str:
    """A spend amount as the API returns it: a decimal string, e.g. ``"125.5"``."""
    return str(float(value))


def _notification(notification: dict[str, Any]) -> dict[str, Any]:
    # The API's defaults: a percentage threshold.
    return {"ThresholdType": "PERCENTAGE", **notification, "Threshold": float(notification["Threshold"])}


def _same(stored: dict[str, Any], asked: dict[str, Any]) -> bool:
    keys = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
    return all(_notification(stored).get(key) == _notification(asked).get(key) for key in keys)


@api_action(BudgetsResponse, "describe_subscribers_for_notification")
def describe_subscribers_for_notification(self: BudgetsResponse) -> str:
    account_id = self._get_param("AccountId")
    budget_name = self._get_param("BudgetName")
    asked = self._get_param("Notification")
    budget = self.backend.budgets[account_id].get(budget_name)
    if budget is None:
        raise NotFoundException(f"Unable to get budget: {budget_name} - the budget doesn't exist.")
    for notification in budget.notifications:
        if _same(notification.details, asked):
            return json.dumps({"Subscribers": notification.subscribers, "NextToken": None})
    raise NotFoundException("Unable to get subscribers - the notification doesn't exist.")


@registered
class Budget(SandboxModel, CloudFormationModel):
    TYPE = "AWS::Budgets::Budget"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Budget:
        budget = dict(properties["Budget"])
        # Without a BudgetName, CloudFormation names the budget itself.
        budget_name = str(budget.get("BudgetName") or name)
        budget["BudgetName"] = budget_name
        if "BudgetLimit" in budget:
            budget["BudgetLimit"] = {**budget["BudgetLimit"], "Amount": _amount(budget["BudgetLimit"]["Amount"])}
        notifications = [
            {
                "Notification": _notification(entry["Notification"]),
                "Subscribers": [dict(subscriber) for subscriber in as_list(entry.get("Subscribers"))],
            }
            for entry in as_list(properties.get("NotificationsWithSubscribers"))
        ]
        _backend(account_id, region_name).create_budget(account_id, budget, notifications)
        return cls(budget_name, account_id, region_name, properties)

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region_name).delete_budget(self.account_id, self.physical_resource_id)
        except NotFoundException:
            pass
