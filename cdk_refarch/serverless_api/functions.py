"""The API's Lambda functions: each with its own role and log group."""

from __future__ import annotations

from aws_cdk import Arn, ArnFormat, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_refarch.core.functions import POWERTOOLS_LAYER, RUNTIME, powertools_layer, python_function
from cdk_refarch.serverless_api.options import ApiFunction

__all__ = ["POWERTOOLS_LAYER", "RUNTIME", "api_function", "powertools_layer"]


def api_function(
    scope: Construct,
    name: str,
    spec: ApiFunction,
    *,
    table: dynamodb.ITableV2,
    layer: lambda_.ILayerVersion,
    service: str,
    environment: dict[str, str],
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> lambda_.Function:
    """One function under ``scope`` (``Logs``, ``Role``, ``Function``), granted exactly
    its ``table_actions`` on ``table`` and read access to each of its ``secrets``."""
    function = python_function(
        scope,
        code_path=spec.code_path,
        handler=spec.handler,
        memory_size=spec.memory_size,
        timeout_seconds=spec.timeout_seconds,
        reserved_concurrency=spec.reserved_concurrency,
        layer=layer,
        environment={
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": service,
            "LOG_LEVEL": "INFO",
            **environment,
            **spec.environment,
            **spec.secrets,
        },
        description=f"{service}: {name}",
        role_description=f"{service} {name} function",
        retention=retention,
        removal_policy=removal_policy,
    )
    role = function.role
    assert isinstance(role, iam.Role)  # python_function makes its own
    if spec.table_actions:
        table.grant(role, *spec.table_actions)
    _grant_secrets(role, spec)
    return function


def _grant_secrets(role: iam.Role, spec: ApiFunction) -> None:
    for arn in spec.secrets.values():
        service = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME).service
        if service == "secretsmanager":
            # Secrets Manager ends a secret's ARN with a random "-AbCdEf"; an ARN given
            # without it matches through the six-character wildcard, as CDK does.
            role.add_to_policy(
                iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[arn, f"{arn}-??????"])
            )
        else:
            role.add_to_policy(iam.PolicyStatement(actions=["ssm:GetParameter"], resources=[arn]))
