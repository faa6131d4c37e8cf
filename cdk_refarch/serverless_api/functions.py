"""The API's Lambda functions: each with its own role and log group."""

from __future__ import annotations

from aws_cdk import Arn, ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_refarch.core.nag import acknowledge
from cdk_refarch.serverless_api.options import ApiFunction

#: The runtime and the Powertools layer built for it; they move together.
RUNTIME = lambda_.Runtime.PYTHON_3_14
#: AWS publishes Powertools for AWS Lambda (Python) as a layer in every commercial
#: region from this account; version 36 carries aws-lambda-powertools 3.31.1, the
#: release runtime/items/requirements.txt pins for the unit tests.
POWERTOOLS_LAYER = "arn:{partition}:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:36"


def powertools_layer(scope: Construct) -> lambda_.ILayerVersion:
    stack = Stack.of(scope)
    return lambda_.LayerVersion.from_layer_version_arn(
        scope, "Powertools", POWERTOOLS_LAYER.format(partition=stack.partition, region=stack.region)
    )


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
    log_group = logs.LogGroup(scope, "Logs", retention=retention, removal_policy=removal_policy)
    # An own role instead of AWSLambdaBasicExecutionRole, which may write to every
    # log group in the account: this one writes to the function's group only.
    role = iam.Role(
        scope,
        "Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{service} {name} function",
    )
    log_group.grant_write(role)
    function = lambda_.Function(
        scope,
        "Function",
        runtime=RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_asset(
            spec.code_path, exclude=["__pycache__", "*.pyc", "README.md", "requirements*.txt", "tests"]
        ),
        handler=spec.handler,
        memory_size=spec.memory_size,
        timeout=Duration.seconds(spec.timeout_seconds),
        reserved_concurrent_executions=spec.reserved_concurrency,
        tracing=lambda_.Tracing.ACTIVE,
        layers=[layer],
        role=role,
        log_group=log_group,
        environment={
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": service,
            "LOG_LEVEL": "INFO",
            **environment,
            **spec.environment,
            **spec.secrets,
        },
        description=f"{service}: {name}",
    )
    if spec.table_actions:
        table.grant(role, *spec.table_actions)
    _grant_secrets(role, spec)
    acknowledge(
        role,
        "AwsSolutions-IAM5[Resource::*]",
        "Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, "
        "which support no resource-level permissions.",
    )
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
