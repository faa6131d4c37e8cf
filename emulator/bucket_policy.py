"""Bucket policies as S3 applies them to requests through the emulator.

The adapter installs :func:`bucket_permission` as moto's ``FakeBucket.get_permission``.
"""

from __future__ import annotations

import json
from typing import Any

from moto.s3.models import FakeBucket

#: What the emulator knows about every request: it stands in for AWS's HTTPS endpoints,
#: so a request counts as sent over TLS 1.2 (the lowest version AWS accepts).
REQUEST_CONTEXT: dict[str, str] = {"aws:securetransport": "true", "s3:tlsversion": "1.2"}


def _condition_holds(operator: str, key: str, expected: Any) -> bool | None:
    """Whether one condition holds for a request; ``None`` when the emulator cannot know."""
    actual = REQUEST_CONTEXT.get(key.lower())
    if actual is None:
        return None
    values = [str(value) for value in (expected if isinstance(expected, list) else [expected])]
    base = operator.removesuffix("IfExists")
    if base == "Bool":
        return any(actual == value.lower() for value in values)
    if base in ("StringEquals", "StringEqualsIgnoreCase"):
        return any(actual.lower() == value.lower() for value in values)
    if base == "StringNotEquals":
        return all(actual != value for value in values)
    if base.startswith("Numeric"):
        compare = {
            "NumericEquals": lambda a, b: a == b,
            "NumericNotEquals": lambda a, b: a != b,
            "NumericLessThan": lambda a, b: a < b,
            "NumericLessThanEquals": lambda a, b: a <= b,
            "NumericGreaterThan": lambda a, b: a > b,
            "NumericGreaterThanEquals": lambda a, b: a >= b,
        }.get(base)
        return None if compare is None else any(compare(float(actual), float(value)) for value in values)
    return None


def _statement_applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    from moto.iam.access_control import IAMPolicyStatement

    matcher = IAMPolicyStatement(statement)
    # Only statements for everyone ("*"): the emulator's S3 does not know who is asking.
    principal = statement.get("Principal")
    if principal != "*" and not (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"])):
        return False
    if "NotAction" in statement:
        if matcher._check_element_matches("NotAction", action):
            return False
    elif not matcher._check_element_matches("Action", action):
        return False
    if "Resource" in statement and not matcher._check_element_matches("Resource", resource):
        return False
    # A statement applies only if every condition is known to hold; one the emulator
    # cannot evaluate (a source ARN, an IP...) leaves the statement out, in either effect.
    for operator, conditions in (statement.get("Condition") or {}).items():
        for key, expected in conditions.items():
            if not _condition_holds(operator, key, expected):
                return False
    return True


def bucket_permission(bucket: FakeBucket, action: str, resource: str) -> Any:
    """``FakeBucket.get_permission`` with conditions evaluated.

    moto treats a condition it cannot evaluate (``Bool``, ``Numeric*``...) as met and a
    statement whose condition is not met as a denial, so CDK's TLS-only policy
    (Deny ``s3:*`` when ``aws:SecureTransport`` is false), which the bootstrap bucket and
    every ``enforce_ssl`` bucket carry, denies every object request once bucket
    policies exist, asset publishing included.
    """
    from moto.iam.access_control import PermissionResult

    if bucket.policy is None:
        return PermissionResult.NEUTRAL
    statements = json.loads(bucket.policy)["Statement"]
    result = PermissionResult.NEUTRAL
    for statement in statements if isinstance(statements, list) else [statements]:
        if _statement_applies(statement, action, resource):
            if statement.get("Effect") == "Deny":
                return PermissionResult.DENIED
            result = PermissionResult.PERMITTED
    return result
