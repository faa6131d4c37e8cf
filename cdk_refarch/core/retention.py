"""Log retention as a number of days, checked against what CloudWatch Logs accepts."""

from __future__ import annotations

from aws_cdk import aws_logs as logs

from cdk_refarch.core.errors import PatternConfigError

# The retention periods CloudWatch Logs accepts, in days (RetentionInDays).
_RETENTION_BY_DAYS: dict[int, logs.RetentionDays] = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    2192: logs.RetentionDays.SIX_YEARS,
    2557: logs.RetentionDays.SEVEN_YEARS,
    2922: logs.RetentionDays.EIGHT_YEARS,
    3288: logs.RetentionDays.NINE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}

ALLOWED_RETENTION_DAYS: tuple[int, ...] = tuple(_RETENTION_BY_DAYS)


def log_retention(prop: str, days: int) -> logs.RetentionDays:
    """The RetentionDays for ``days``; a clear error naming ``prop`` otherwise."""
    allowed = ", ".join(str(d) for d in ALLOWED_RETENTION_DAYS)
    message = f"{prop} ({days!r}) must be one of the CloudWatch Logs retention periods: {allowed}"
    if isinstance(days, bool) or not isinstance(days, int) or days not in _RETENTION_BY_DAYS:
        raise PatternConfigError(message)
    return _RETENTION_BY_DAYS[days]
