"""ServerlessApi's alarms: what a caller would notice, sent to the alarm topic."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm
from cdk_refarch.core.names import pascal
from cdk_refarch.serverless_api.options import AlarmOptions

_PERIOD = Duration.minutes(5)


def api_alarms(
    scope: Construct,
    *,
    api: apigw.RestApi,
    functions: dict[str, lambda_.Function],
    table: dynamodb.ITableV2,
    options: AlarmOptions,
    topic: sns.ITopic,
) -> list[cloudwatch.Alarm]:
    """5xx rate and p99 latency of the API, each function's errors and throttles, and
    the table's throttled requests."""
    found = [
        add_alarm(
            scope,
            "ServerErrorRateAlarm",
            metric=api.metric_server_error(statistic="Average", period=_PERIOD),
            threshold=options.server_error_rate,
            description=f"More than {options.server_error_rate:.1%} of API requests answered 5xx in 5 minutes",
            topic=topic,
        ),
        add_alarm(
            scope,
            "LatencyP99Alarm",
            metric=api.metric_latency(statistic="p99", period=_PERIOD),
            threshold=options.latency_p99_ms,
            description=f"API p99 latency above {options.latency_p99_ms} ms over 5 minutes",
            topic=topic,
        ),
    ]
    for name, function in functions.items():
        for suffix, metric, what in (
            ("Errors", function.metric_errors(statistic="Sum", period=_PERIOD), "raised errors"),
            ("Throttles", function.metric_throttles(statistic="Sum", period=_PERIOD), "was throttled"),
        ):
            found.append(
                add_alarm(
                    scope,
                    f"{pascal(name)}{suffix}Alarm",
                    metric=metric,
                    threshold=0,
                    description=f"The {name} function {what}",
                    topic=topic,
                )
            )
    operations = [
        dynamodb.Operation.GET_ITEM,
        dynamodb.Operation.PUT_ITEM,
        dynamodb.Operation.UPDATE_ITEM,
        dynamodb.Operation.DELETE_ITEM,
        dynamodb.Operation.QUERY,
        dynamodb.Operation.SCAN,
    ]
    found.append(
        add_alarm(
            scope,
            "TableThrottlesAlarm",
            metric=table.metric_throttled_requests_for_operations(operations=operations, period=_PERIOD),
            threshold=0,
            description="DynamoDB throttled requests to the table",
            topic=topic,
        )
    )
    return found
