"""Typed options for ``ServerlessApi``; each checks its own input when it is built."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_sns as sns

from cdk_refarch.core.alarms import check_email
from cdk_refarch.core.errors import require
from cdk_refarch.core.functions import MEMORY_RANGE, check_handler_code
from cdk_refarch.core.validation import check_bool, check_environment, check_int, check_number

#: A new account's concurrency quota; Lambda keeps 100 of it unreserved, so at most 900
#: can be reserved unless the account's quota has been raised (``account_concurrency_limit``).
DEFAULT_ACCOUNT_CONCURRENCY = 1000
UNRESERVED_CONCURRENCY_MINIMUM = 100
#: API Gateway's integration timeout for REST APIs, in milliseconds.
INTEGRATION_TIMEOUT_MS = 29_000

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
    :param account_concurrency_limit: the account's concurrency quota, if raised above
        the default 1,000; reserved concurrency must leave 100 of it unreserved.
    :param environment: plain settings; a name that looks like a secret (PASSWORD,
        SECRET, TOKEN, API_KEY...) is refused: pass it in ``secrets``.
    :param secrets: environment variable -> ARN of a Secrets Manager secret or SSM
        parameter. The function gets the ARN (never the value) and read access to
        it, and fetches the value at run time (e.g. Powertools' parameters utility).
        A secret under a customer-managed KMS key also needs ``kms:Decrypt`` on that key.
    """

    code_path: str
    handler: str = "handler.handler"
    memory_size: int = 256
    timeout_seconds: int = 10
    table_actions: tuple[str, ...] = ()
    reserved_concurrency: int | None = None
    account_concurrency_limit: int = DEFAULT_ACCOUNT_CONCURRENCY
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        low, high = MEMORY_RANGE
        check_int("memory_size", self.memory_size, minimum=low, maximum=high, unit="MB")
        low, high = TIMEOUT_RANGE
        check_int(
            "timeout_seconds (API Gateway ends a REST API integration after 29 seconds)",
            self.timeout_seconds,
            minimum=low,
            maximum=high,
        )
        check_handler_code(self.code_path, self.handler)
        unknown = sorted(set(self.table_actions) - TABLE_ACTIONS)
        require(
            not unknown,
            f"table_actions ({', '.join(unknown)}) are not item-level DynamoDB actions; "
            f"allowed: {', '.join(sorted(TABLE_ACTIONS))}",
        )
        self._check_concurrency()
        self._check_environment()

    def _check_concurrency(self) -> None:
        limit = check_int("account_concurrency_limit", self.account_concurrency_limit, minimum=1000)
        if self.reserved_concurrency is None:
            return
        reservable = limit - UNRESERVED_CONCURRENCY_MINIMUM
        check_int(
            "reserved_concurrency (0 would stop the function; None leaves it unreserved)",
            self.reserved_concurrency,
            minimum=1,
        )
        require(
            self.reserved_concurrency <= reservable,
            f"reserved_concurrency ({self.reserved_concurrency}) must be at most {reservable}: Lambda keeps "
            f"{UNRESERVED_CONCURRENCY_MINIMUM} of the account's {limit} unreserved; if your account's quota "
            "is higher, say so with account_concurrency_limit",
        )

    def _check_environment(self) -> None:
        check_environment(self.environment, self.secrets, read="the function reads the value at run time")


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
            and (self.path == "/" or all(_PATH_SEGMENT.fullmatch(segment) for segment in segments)),
            f"path ({self.path!r}) must start with '/' and hold segments such as 'items' or '{{id}}'",
        )
        names = self.path_parameters
        repeated = sorted({name for name in names if names.count(name) > 1})
        require(
            not repeated,
            f"path ({self.path!r}) repeats the path variable {{{repeated[0] if repeated else ''}}}: "
            "each variable of a path needs its own name",
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
        check_number("rate_limit", self.rate_limit, above=0, unit="requests/s")
        check_int("burst_limit", self.burst_limit, minimum=1)
        require(
            self.burst_limit >= self.rate_limit,
            f"burst_limit ({self.burst_limit}) must not be below rate_limit ({self.rate_limit:g}): "
            "the bucket must hold at least one second of steady traffic",
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
        check_int("quota_per_day", self.quota_per_day, minimum=1)


@dataclass(frozen=True)
class CognitoOptions:
    """The user pool behind ``ApiAuthorization.COGNITO``.

    :param existing_user_pool: use this pool; otherwise one is created with a strong
        password policy, optional TOTP MFA, threat protection, and no self sign-up.
    :param mfa_required: require MFA for every user of the created pool.
    """

    existing_user_pool: cognito.IUserPool | None = None
    mfa_required: bool = False

    def __post_init__(self) -> None:
        check_bool("mfa_required", self.mfa_required)


@dataclass(frozen=True)
class AlarmOptions:
    """The alarms' thresholds and where they notify.

    :param topic: an SNS topic to notify; ``None`` creates an encrypted one.
    :param email: subscribe this address to the topic created here, so that alarms
        reach a person (SNS asks the address to confirm first).
    :param latency_p99_ms: at most 29,000: API Gateway ends an integration then, so a
        higher threshold could never be crossed.
    """

    server_error_rate: float = 0.01
    latency_p99_ms: int = 3000
    topic: sns.ITopic | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        check_number("server_error_rate (a fraction of requests)", self.server_error_rate, above=0, below=1)
        check_int(
            "latency_p99_ms (API Gateway's integration timeout is 29 s)",
            self.latency_p99_ms,
            minimum=1,
            maximum=INTEGRATION_TIMEOUT_MS,
        )
        check_email("email", self.email)
        require(
            self.topic is None or self.email is None,
            "email is only used with the topic created here; subscribe it to your own topic instead",
        )
