"""AccountBaseline: what every account needs once, whatever runs in it: a trail of every
API call, and a budget that warns before the bill does.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- A trail is not optional: the console's event history (003:2022-2024) keeps 90 days of
  management events of one region only; a trail keeps them as long as you choose.
- Multi-region always, not "for a global presence" (003:2052-2054): an attacker's
  favourite region is the one nobody watches (Security Hub CloudTrail.1).
- Log files are not signed on their own (003:2040-2042): with log file validation on
  (off by default in the API and CloudFormation), CloudTrail delivers hourly digest files
  that hash and sign them; ``aws cloudtrail validate-logs`` checks them.
- Encrypted with a customer managed key (Security Hub CloudTrail.2), and the
  key's and bucket's policies name this trail (``aws:SourceArn``), which AWS now advises
  against the confused deputy.
- CloudTrail Insights (003:2064-2066) costs per event analysed and stays off.
- AWS Budgets is not in the notes; a forecasted-cost alert is the cheapest guard a
  sandbox account has.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.account_baseline import encryption
from cdk_refarch.account_baseline.bucket import keep_policy, trail_bucket
from cdk_refarch.account_baseline.budget import monthly_budget
from cdk_refarch.account_baseline.checks import check_account_baseline
from cdk_refarch.account_baseline.options import BudgetAlarmOptions, TrailOptions
from cdk_refarch.account_baseline.trail import account_trail, trail_log_group
from cdk_refarch.core.buckets import AccessLogBucket
from cdk_refarch.core.tags import tag_pattern

_DEFAULT_TRAIL = TrailOptions()
_DEFAULT_ALARMS = BudgetAlarmOptions()


class AccountBaseline(Construct):
    """A multi-region CloudTrail trail (to S3 and CloudWatch Logs, under its own key), and
    an optional monthly cost budget that mails.

    Attributes: ``trail`` (``CfnTrail``), ``trail_name``, ``trail_arn``, ``trail_key``,
    ``trail_bucket``, ``access_log_bucket`` (``None`` with ``existing_log_bucket``),
    ``trail_log_group`` and ``trail_logs_role`` (``None`` without CloudWatch Logs),
    ``budget`` (``CfnBudget``, ``None`` without ``monthly_budget_usd``).

    Every default and the reason for it is listed in ``cdk_refarch/account_baseline/README.md``.
    """

    PATTERN = "account-baseline"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        trail: TrailOptions = _DEFAULT_TRAIL,
        monthly_budget_usd: float | None = None,
        alarms: BudgetAlarmOptions = _DEFAULT_ALARMS,
        existing_log_bucket: s3.IBucket | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        check_account_baseline(
            trail=trail, monthly_budget_usd=monthly_budget_usd, alarms=alarms, removal_policy=removal_policy
        )
        tag_pattern(self)

        self.trail_name = encryption.trail_name(self, trail.trail_name)
        self.trail_arn = encryption.trail_arn(self, self.trail_name)
        self.trail_key = encryption.trail_key(self, arn=self.trail_arn, removal_policy=removal_policy)
        self.access_log_bucket: s3.IBucket | None = None
        log_bucket = existing_log_bucket
        if log_bucket is None:
            log_bucket = self.access_log_bucket = AccessLogBucket(
                self, "AccessLogs", expiration_days=trail.retention_days, removal_policy=removal_policy
            ).bucket
        self.trail_bucket = trail_bucket(
            self,
            key=self.trail_key,
            arn=self.trail_arn,
            options=trail,
            log_bucket=log_bucket,
            removal_policy=removal_policy,
        )
        if self.access_log_bucket is not None:
            keep_policy(self.access_log_bucket, removal_policy)
        self.trail_log_group: logs.LogGroup | None = None
        self.trail_logs_role: iam.Role | None = None
        if trail.cloudwatch_logs:
            self.trail_log_group, self.trail_logs_role = trail_log_group(
                self, retention_days=trail.log_retention_days, removal_policy=removal_policy
            )
        self.trail = account_trail(
            self,
            name=self.trail_name,
            bucket=self.trail_bucket,
            key=self.trail_key,
            log_group=self.trail_log_group,
            logs_role=self.trail_logs_role,
            removal_policy=removal_policy,
        )

        self.budget: budgets.CfnBudget | None = None
        if monthly_budget_usd is not None:
            self.budget = monthly_budget(
                self, limit_usd=monthly_budget_usd, alarms=alarms, removal_policy=removal_policy
            )
