"""Typed options for ``AccountBaseline``; each checks its own input when it is built."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdk_refarch.core.alarms import check_email
from cdk_refarch.core.errors import require
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool, check_int, check_number

# CloudTrail's trail names: 3 to 128 ASCII letters, digits, '.', '_' or '-', starting and
# ending with a letter or digit, no two of '.', '_', '-' side by side.
_TRAIL_NAME = re.compile(r"^(?=.{3,128}$)[A-Za-z0-9](?:[._-]?[A-Za-z0-9])*$")
_IP_ADDRESS = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")

#: The most a budget notification's threshold may be, in percent of the limit (AWS Budgets).
MAX_THRESHOLD_PERCENT = 1_000_000


def check_trail_name(name: object) -> str:
    """``name`` if CloudTrail accepts it as a trail name."""
    require(
        isinstance(name, str) and bool(_TRAIL_NAME.fullmatch(name)) and not _IP_ADDRESS.fullmatch(name),
        f"trail_name ({name!r}) must be 3 to 128 letters, digits, '.', '_' or '-', start and end with a "
        "letter or digit, have no two of '.', '_', '-' side by side, and not look like an IP address",
    )
    return str(name)


@dataclass(frozen=True)
class TrailOptions:
    """The account's trail and where its logs go.

    :param trail_name: ``None`` derives one from the stack and the construct's path
        (``Names.unique_resource_name``), unique in the app.
    :param retention_days: days a log file (and a digest file) stays in the bucket.
    :param archive_after_days: days before a log file moves to S3 Glacier Instant
        Retrieval; ``None`` keeps every file in S3 Standard. Below ``retention_days``.
    :param cloudwatch_logs: also deliver the events to a CloudWatch Logs group, for
        queries, metric filters and alarms.
    :param log_retention_days: that log group's retention (a CloudWatch Logs period).
    """

    trail_name: str | None = None
    retention_days: int = 365
    archive_after_days: int | None = 90
    cloudwatch_logs: bool = True
    log_retention_days: int = 90

    def __post_init__(self) -> None:
        if self.trail_name is not None:
            check_trail_name(self.trail_name)
        check_int("retention_days", self.retention_days, minimum=1, unit="days")
        if self.archive_after_days is not None:
            check_int("archive_after_days", self.archive_after_days, minimum=1, unit="days")
            # S3 refuses a rule that expires objects before (or when) it transitions them.
            require(
                self.archive_after_days < self.retention_days,
                f"archive_after_days ({self.archive_after_days}) must be below retention_days "
                f"({self.retention_days}): S3 expires a log file only after it moved it; pass "
                "archive_after_days=None to keep every file in S3 Standard",
            )
        check_bool("cloudwatch_logs", self.cloudwatch_logs)
        log_retention("log_retention_days", self.log_retention_days)


@dataclass(frozen=True)
class BudgetAlarmOptions:
    """Who the monthly budget warns, and when.

    :param email: the address AWS Budgets mails (no confirmation needed); a budget
        without one is refused.
    :param actual_percent: mail when the month's actual cost passes this share of the
        limit, in percent (1 to 1,000,000, AWS Budgets' most).
    :param forecasted_percent: mail when the month's forecast passes this share.
    """

    email: str | None = None
    actual_percent: float = 80
    forecasted_percent: float = 100

    def __post_init__(self) -> None:
        check_email("email", self.email)
        for prop in ("actual_percent", "forecasted_percent"):
            check_number(prop, getattr(self, prop), minimum=1, maximum=MAX_THRESHOLD_PERCENT)
