"""Python Lambda functions as every pattern builds them: the runtime, the Powertools
layer, and a function with its own role and log group."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.nag import acknowledge

#: The runtime and the Powertools layer built for it; they move together.
RUNTIME = lambda_.Runtime.PYTHON_3_14
#: AWS publishes Powertools for AWS Lambda (Python) as a layer in every commercial
#: region from this account; version 36 carries aws-lambda-powertools 3.31.1, the
#: release runtime/items/requirements.txt pins for the unit tests.
POWERTOOLS_LAYER = "arn:{partition}:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:36"

#: Lambda's memory range in MB and its timeout range in seconds.
MEMORY_RANGE = (128, 10_240)
TIMEOUT_RANGE = (1, 900)

# What the asset leaves out: caches, docs and the handler's own tests and pins.
_ASSET_EXCLUDE = ["__pycache__", "*.pyc", "README.md", "requirements*.txt", "tests"]
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")


def powertools_layer(scope: Construct) -> lambda_.ILayerVersion:
    """The Powertools layer (``Powertools`` under ``scope``) in the stack's partition and region."""
    stack = Stack.of(scope)
    return lambda_.LayerVersion.from_layer_version_arn(
        scope, "Powertools", POWERTOOLS_LAYER.format(partition=stack.partition, region=stack.region)
    )


def check_handler_code(code_path: object, handler: object) -> None:
    """``code_path`` is a folder holding the module that ``handler`` (``module.function``) names."""
    require(
        isinstance(handler, str) and bool(_HANDLER.fullmatch(handler)),
        f"handler ({handler!r}) must be 'module.function', e.g. 'handler.handler'",
    )
    require(
        isinstance(code_path, str) and os.path.isdir(code_path),
        f"code_path ({code_path!r}) must be an existing folder",
    )
    assert isinstance(code_path, str) and isinstance(handler, str)  # checked above
    module_file = os.path.join(code_path, *handler.split(".")[:-1]) + ".py"
    require(os.path.isfile(module_file), f"handler ({handler!r}) needs {module_file}, which does not exist")


def python_function(
    scope: Construct,
    *,
    code_path: str,
    handler: str,
    memory_size: int,
    timeout_seconds: int,
    reserved_concurrency: int | None,
    layer: lambda_.ILayerVersion,
    environment: Mapping[str, str],
    description: str,
    role_description: str,
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> lambda_.Function:
    """A Python function on arm64 with active X-Ray tracing, under ``scope`` as ``Logs``,
    ``Role`` and ``Function``: the role may write to the function's log group and
    nothing else until the caller grants more (``function.role``)."""
    log_group = logs.LogGroup(scope, "Logs", retention=retention, removal_policy=removal_policy)
    # An own role instead of AWSLambdaBasicExecutionRole, which may write to every
    # log group in the account: this one writes to the function's group only.
    role = iam.Role(
        scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=role_description
    )
    log_group.grant_write(role)
    function = lambda_.Function(
        scope,
        "Function",
        runtime=RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_asset(code_path, exclude=_ASSET_EXCLUDE),
        handler=handler,
        memory_size=memory_size,
        timeout=Duration.seconds(timeout_seconds),
        reserved_concurrent_executions=reserved_concurrency,
        tracing=lambda_.Tracing.ACTIVE,
        layers=[layer],
        role=role,
        log_group=log_group,
        environment=dict(environment),
        description=description,
    )
    acknowledge(
        role,
        "AwsSolutions-IAM5[Resource::*]",
        "Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, "
        "which support no resource-level permissions.",
    )
    return function
