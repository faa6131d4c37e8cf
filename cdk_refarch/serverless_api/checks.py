"""ServerlessApi's cross-field input checks, in one function called before anything is built."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.front_door import FrontDoorOptions, check_front_door
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_env_var_names
from cdk_refarch.dynamo_table import TableOptions
from cdk_refarch.serverless_api.options import (
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    Route,
)

_STAGE_NAME = re.compile(r"^[A-Za-z0-9_]{1,128}$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_ORIGIN = re.compile(r"^https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?P<port>\d{1,5}))?$")


def check_serverless_api(
    scope: Construct,
    *,
    functions: Mapping[str, ApiFunction],
    routes: Sequence[Route],
    table: TableOptions | None,
    existing_table: dynamodb.ITableV2 | None,
    authorization: ApiAuthorization,
    cognito_options: CognitoOptions | None,
    cors_origins: tuple[str, ...],
    cors_allow_headers: tuple[str, ...],
    front_door: FrontDoorOptions,
    stage_name: str,
    table_name_variable: str,
    cors_origins_variable: str,
    log_retention_days: int,
) -> None:
    """Every rule on ServerlessApi's input that concerns more than one field or the stack."""
    log_retention("log_retention_days", log_retention_days)
    require(bool(functions), "functions must name at least one ApiFunction")
    require(bool(routes), "routes must hold at least one Route")
    require(
        (table is None) != (existing_table is None),
        "pass exactly one of table (create a table here) or existing_table",
    )
    for route in routes:
        require(
            route.function in functions,
            f"route {route.method} {route.path} names function {route.function!r}, which is not "
            f"one of functions ({', '.join(functions)})",
        )
    seen = [(route.method, route.path) for route in routes]
    duplicates = sorted({f"{m} {p}" for m, p in seen if seen.count((m, p)) > 1})
    require(not duplicates, f"routes repeat {', '.join(duplicates)}")
    check_sibling_path_variables(tuple(routes))
    require(
        cognito_options is None or authorization is ApiAuthorization.COGNITO,
        "cognito_options is only used with authorization=ApiAuthorization.COGNITO",
    )
    check_cors_origins(cors_origins)
    for header in cors_allow_headers:
        require(
            isinstance(header, str) and bool(_HEADER_NAME.fullmatch(header)),
            f"cors_allow_headers entry ({header!r}) must be an HTTP header name: letters, digits and -",
        )
    require(bool(_STAGE_NAME.fullmatch(stage_name)), f"stage_name ({stage_name!r}) must be 1-128 letters, digits or _")
    check_env_var_names("table_name_variable", [table_name_variable])
    check_env_var_names("cors_origins_variable", [cors_origins_variable])
    for name, spec in functions.items():
        injected = {table_name_variable, cors_origins_variable} & (set(spec.environment) | set(spec.secrets))
        require(
            not injected,
            f"function {name} sets {', '.join(sorted(injected))}, which ServerlessApi sets itself",
        )
    reserved = sum(spec.reserved_concurrency or 0 for spec in functions.values())
    limits = {spec.account_concurrency_limit for spec in functions.values() if spec.reserved_concurrency}
    if limits:
        reservable = max(limits) - 100
        require(
            reserved <= reservable,
            f"reserved_concurrency of all functions ({reserved}) must be at most {reservable}: Lambda "
            f"keeps 100 of the account's {max(limits)} unreserved",
        )
    check_front_door(scope, front_door, endpoint="A regional API Gateway domain", waf_scope="REGIONAL")


def check_cors_origins(origins: tuple[str, ...]) -> None:
    """Each origin is ``scheme://host[:port]``; ``*`` only when it is the one entry."""
    if origins == ("*",):
        return
    for origin in origins:
        match = _ORIGIN.fullmatch(origin) if isinstance(origin, str) else None
        require(
            match is not None,
            f"cors_origins entry ({origin!r}) must be an origin such as 'https://app.example.com' "
            "(scheme, lower-case host, optional port, no path); pass ('*',) alone to allow any origin",
        )
        assert match is not None
        port = match["port"]
        require(
            port is None or 1 <= int(port) <= 65535,
            f"cors_origins entry ({origin!r}) has port {port}: ports are 1 to 65535",
        )


def check_sibling_path_variables(routes: tuple[Route, ...]) -> None:
    """API Gateway has one resource per path: ``/items/{id}`` and ``/items/{key}`` would
    be two variables under one parent, which it refuses."""
    seen: dict[str, str] = {}
    for route in routes:
        segments = route.path.strip("/").split("/")
        for depth, segment in enumerate(segments):
            if not segment.startswith("{"):
                continue
            parent = "/" + "/".join(segments[:depth])
            other = seen.setdefault(parent, segment)
            require(
                other == segment,
                f"routes use {other} and {segment} under {parent}: API Gateway allows one path "
                "variable name per parent; use the same name in both",
            )
