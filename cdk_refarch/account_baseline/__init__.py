"""Once per account and region: a CloudTrail trail and a monthly budget, ``AccountBaseline``."""

from cdk_refarch.account_baseline.construct import AccountBaseline
from cdk_refarch.account_baseline.options import BudgetAlarmOptions, TrailOptions

__all__ = ["AccountBaseline", "BudgetAlarmOptions", "TrailOptions"]
