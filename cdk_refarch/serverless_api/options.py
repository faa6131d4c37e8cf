"""Typed options for ``ServerlessApi``; each checks its own input when it is built."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_sns as sns

from cdk_refarch.core.errors import require

#: Lambda's memory range in MB.
MEMORY_RANGE = (128, 10_240)
#: API Gateway ends a REST API integration after 29 seconds (the default quota), so a
#: longer Lambda timeout would only keep the function running after the client is gone.
TIMEOUT_RANGE = (1, 29)

#: Data-plane DynamoDB actions a handler may be granted, item by item.
TABLE_ACTIONS = frozenset(
    {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:DescribeTable",
    }
)

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
_BODY_METHODS = ("POST", "PUT", "PATCH")
_PATH_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})$")
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")
_ORIGIN = re.compile(r"^https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?$")


class ApiAuthorization(Enum):
    """How callers prove who they are. API keys are never authentication here."""

    #: SigV4-signed requests from IAM principals (the default).
    IAM = "iam"
    #: A JWT from a Cognito user pool in the Authorization header.
    COGNITO = "cognito"


@dataclass(frozen=True)
class ApiFunction:
    """One Python Lambda function behind the API.

    :param code_path: folder holding the handler's code (its dependencies beyond
        Powertools and boto3 must be vendored there).
    :param handler: ``module.function`` inside ``code_path``.
    :param table_actions: the DynamoDB actions the handler calls; the function is
        granted exactly these on the table, nothing more.
    :param reserved_concurrency: caps concurrent executions (and so the load on the
        table); ``None`` leaves the function on the account's unreserved pool.
    """

    code_path: str
    handler: str = "app.handler"
    memory_size: int = 256
    timeout_seconds: int = 10
    table_actions: tuple[str, ...] = ()
    reserved_concurrency: int | None = None
    environment: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        low, high = MEMORY_RANGE
        require(
            isinstance(self.memory_size, int) and low <= self.memory_size <= high,
            f"memory_size ({self.memory_size!r}) must be an integer from {low} to {high} MB",
        )
        low, high = TIMEOUT_RANGE
        require(
            isinstance(self.timeout_seconds, int) and low <= self.timeout_seconds <= high,
            f"timeout_seconds ({self.timeout_seconds!r}) must be from {low} to {high}: API Gateway "
            "ends a REST API integration after 29 seconds",
        )
        require(
            bool(_HANDLER.match(self.handler)),
            f"handler ({self.handler!r}) must be 'module.function', e.g. 'app.handler'",
        )
        require(os.path.isdir(self.code_path), f"code_path ({self.code_path!r}) must be an existing folder")
        module_file = os.path.join(self.code_path, *self.handler.split(".")[:-1]) + ".py"
        require(
            os.path.isfile(module_file),
            f"handler ({self.handler!r}) needs {module_file}, which does not exist",
        )
        unknown = sorted(set(self.table_actions) - TABLE_ACTIONS)
        require(
            not unknown,
            f"table_actions ({', '.join(unknown)}) are not item-level DynamoDB actions; "
            f"allowed: {', '.join(sorted(TABLE_ACTIONS))}",
        )
        if self.reserved_concurrency is not None:
            require(
                isinstance(self.reserved_concurrency, int) and self.reserved_concurrency >= 1,
                f"reserved_concurrency ({self.reserved_concurrency!r}) must be at least 1 "
                "(0 would stop the function), or None",
            )


@dataclass(frozen=True)
class Route:
    """One method on one path, served by the function named ``function``.

    :param body_schema: a JSON Schema (draft 4, what API Gateway models accept) that
        request bodies must satisfy; API Gateway rejects others with 400 before the
        function runs.
    """

    method: str
    path: str
    function: str
    body_schema: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        require(
            self.method in HTTP_METHODS,
            f"method ({self.method!r}) must be one of {', '.join(HTTP_METHODS)}",
        )
        segments = self.path.split("/")[1:]
        require(
            self.path.startswith("/")
            and (self.path == "/" or all(_PATH_SEGMENT.match(segment) for segment in segments)),
            f"path ({self.path!r}) must start with '/' and hold segments such as 'items' or '{{id}}'",
        )
        if self.body_schema is not None:
            require(
                self.method in _BODY_METHODS,
                f"body_schema is given for {self.method} {self.path}, but only "
                f"{', '.join(_BODY_METHODS)} requests carry a body",
            )
            declared = self.body_schema.get("$schema", "http://json-schema.org/draft-04/schema#")
            require(
                "draft-04" in declared,
                f"body_schema of {self.method} {self.path} declares {declared!r}: API Gateway "
                "models take JSON Schema draft 4",
            )

    @property
    def path_parameters(self) -> list[str]:
        return [segment[1:-1] for segment in self.path.split("/") if segment.startswith("{")]


@dataclass(frozen=True)
class Throttle:
    """Stage-wide throttling: steady requests per second and the burst above it."""

    rate_limit: float = 50
    burst_limit: int = 100

    def __post_init__(self) -> None:
        require(self.rate_limit > 0, f"rate_limit ({self.rate_limit!r}) must be above 0")
        require(
            isinstance(self.burst_limit, int) and self.burst_limit >= 1,
            f"burst_limit ({self.burst_limit!r}) must be an integer of at least 1",
        )


@dataclass(frozen=True)
class UsagePlanOptions:
    """An API key with a usage plan, for metering and per-client limits.

    The key is required on every method *in addition to* the API's authorization:
    API keys identify a client for quotas; they do not authenticate anyone.
    """

    rate_limit: float = 10
    burst_limit: int = 20
    quota_per_day: int = 10_000

    def __post_init__(self) -> None:
        Throttle(self.rate_limit, self.burst_limit)
        require(self.quota_per_day >= 1, f"quota_per_day ({self.quota_per_day!r}) must be at least 1")


@dataclass(frozen=True)
class CognitoOptions:
    """The user pool behind ``ApiAuthorization.COGNITO``.

    :param existing_user_pool: use this pool; otherwise one is created with a strong
        password policy, optional TOTP MFA, threat protection, and no self sign-up.
    :param mfa_required: require MFA for every user of the created pool.
    """

    existing_user_pool: cognito.IUserPool | None = None
    mfa_required: bool = False


@dataclass(frozen=True)
class AlarmOptions:
    """The alarms' thresholds and where they notify.

    :param topic: an SNS topic to notify; ``None`` creates an encrypted one.
    """

    server_error_rate: float = 0.01
    latency_p99_ms: int = 3000
    topic: sns.ITopic | None = None

    def __post_init__(self) -> None:
        require(
            0 < self.server_error_rate < 1,
            f"server_error_rate ({self.server_error_rate!r}) must be a fraction between 0 and 1",
        )
        require(self.latency_p99_ms >= 1, f"latency_p99_ms ({self.latency_p99_ms!r}) must be at least 1")


def check_cors_origins(origins: tuple[str, ...]) -> None:
    """Each origin is ``scheme://host[:port]``; ``*`` only when it is the one entry."""
    if origins == ("*",):
        return
    for origin in origins:
        require(
            bool(_ORIGIN.match(origin)),
            f"cors_origins entry ({origin!r}) must be an origin such as 'https://app.example.com' "
            "(scheme, lower-case host, optional port, no path); pass ('*',) alone to allow any origin",
        )
