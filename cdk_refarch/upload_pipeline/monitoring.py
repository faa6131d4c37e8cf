"""UploadPipeline's alarms: an event lost, stuck or failing anywhere from the rule to the function."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm, messages_waiting_alarm, oldest_message_alarm
from cdk_refarch.upload_pipeline.options import UploadAlarmOptions

_PERIOD = Duration.minutes(5)


def upload_alarms(
    scope: Construct,
    *,
    rule: events.Rule,
    queue: sqs.IQueue,
    dead_letter_queue: sqs.IQueue,
    rule_dead_letter_queue: sqs.IQueue,
    function: lambda_.IFunction,
    options: UploadAlarmOptions,
    topic: sns.ITopic,
) -> list[cloudwatch.Alarm]:
    """Any message in either dead-letter queue, the buffer's oldest message, the
    function's errors and throttles, and the rule's failed deliveries."""

    oldest = options.oldest_message_age_seconds
    return [
        messages_waiting_alarm(
            scope,
            "DeadLetterQueueAlarm",
            queue=dead_letter_queue,
            description="An upload event failed processing on every receive and waits in the dead-letter queue",
            topic=topic,
        ),
        messages_waiting_alarm(
            scope,
            "RuleDeadLetterQueueAlarm",
            queue=rule_dead_letter_queue,
            description="EventBridge could not deliver an upload event to the buffer queue",
            topic=topic,
        ),
        oldest_message_alarm(
            scope,
            "OldestMessageAlarm",
            queue=queue,
            seconds=oldest,
            description=f"An upload event has waited more than {oldest} s in the buffer queue",
            topic=topic,
        ),
        add_alarm(
            scope,
            "FunctionErrorsAlarm",
            metric=function.metric_errors(statistic="Sum", period=_PERIOD),
            threshold=options.function_errors,
            description=f"The upload consumer failed more than {options.function_errors} invocations in 5 minutes",
            topic=topic,
        ),
        add_alarm(
            scope,
            "FunctionThrottlesAlarm",
            metric=function.metric_throttles(statistic="Sum", period=_PERIOD),
            threshold=0,
            description="The upload consumer was throttled: each throttled batch counts as a receive",
            topic=topic,
        ),
        add_alarm(
            scope,
            "FailedInvocationsAlarm",
            # S3's events reach the default bus, whose rules' metrics carry only RuleName.
            metric=cloudwatch.Metric(
                namespace="AWS/Events",
                metric_name="FailedInvocations",
                dimensions_map={"RuleName": rule.rule_name},
                statistic="Sum",
                period=_PERIOD,
            ),
            threshold=0,
            description="EventBridge failed to deliver upload events to the buffer queue",
            topic=topic,
        ),
    ]
