"""Alarms that reach a person: an encrypted topic with an e-mail subscription, and one
way to create an alarm that notifies it."""

from __future__ import annotations

import re

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_number

# Enough to catch a typo (no @, spaces, no dot in the domain); SNS confirms the rest.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(prop: str, email: str | None) -> None:
    if email is not None:
        require(
            isinstance(email, str) and bool(_EMAIL.fullmatch(email)),
            f"{prop} ({email!r}) must be an e-mail address such as 'ops@example.com'",
        )


def alarm_topic(scope: Construct, *, removal_policy: RemovalPolicy, email: str | None = None) -> sns.Topic:
    """An SNS topic for alarms (``AlarmTopic``, key ``AlarmKey``, both under ``scope``).

    The topic is encrypted with its own KMS key, because CloudWatch cannot publish to a
    topic under the AWS managed SNS key; the key lets CloudWatch use it only for alarms
    of this account and region (``aws:SourceAccount``, ``aws:SourceArn``). With
    ``email`` the address is subscribed: SNS mails a confirmation link first, and
    alarms reach the address once it is confirmed.
    """
    check_email("alarm_email", email)
    stack = Stack.of(scope)
    key = kms.Key(
        scope,
        "AlarmKey",
        enable_key_rotation=True,
        description="Encrypts the alarm topic",
        removal_policy=removal_policy,
        pending_window=Duration.days(7),
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            resources=["*"],
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {
                    # Alarm ARNs are arn:...:cloudwatch:REGION:ACCOUNT:alarm:NAME (a colon, not a slash).
                    "aws:SourceArn": stack.format_arn(
                        service="cloudwatch",
                        resource="alarm",
                        resource_name="*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                },
            },
        )
    )
    topic = sns.Topic(scope, "AlarmTopic", master_key=key, enforce_ssl=True)
    if email is not None:
        topic.add_subscription(subscriptions.EmailSubscription(email))
    return topic


def add_alarm(
    scope: Construct,
    construct_id: str,
    *,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    topic: sns.ITopic,
    comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluation_periods: int = 1,
) -> cloudwatch.Alarm:
    """An alarm that notifies ``topic`` when it fires and when it recovers.

    Missing data is "not breaching": an idle service is not an outage.
    """
    check_number(f"{construct_id} threshold", threshold)
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        metric=metric,
        threshold=threshold,
        evaluation_periods=evaluation_periods,
        comparison_operator=comparison,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    action = cw_actions.SnsAction(topic)
    alarm.add_alarm_action(action)
    alarm.add_ok_action(action)
    return alarm


#: The period of the queue alarms: SQS publishes its metrics every minute, a 5-minute
#: maximum still sees a message that was there for one of them.
QUEUE_ALARM_PERIOD = Duration.minutes(5)


def messages_waiting_alarm(
    scope: Construct, construct_id: str, *, queue: sqs.IQueue, description: str, topic: sns.ITopic
) -> cloudwatch.Alarm:
    """Any message visible in ``queue``: for a dead-letter queue, where each message is a failure."""
    return add_alarm(
        scope,
        construct_id,
        metric=queue.metric_approximate_number_of_messages_visible(statistic="Maximum", period=QUEUE_ALARM_PERIOD),
        threshold=0,
        description=description,
        topic=topic,
    )


def oldest_message_alarm(
    scope: Construct, construct_id: str, *, queue: sqs.IQueue, seconds: int, description: str, topic: sns.ITopic
) -> cloudwatch.Alarm:
    """The oldest message of ``queue`` older than ``seconds``: its consumer is stuck or too slow."""
    return add_alarm(
        scope,
        construct_id,
        metric=queue.metric_approximate_age_of_oldest_message(statistic="Maximum", period=QUEUE_ALARM_PERIOD),
        threshold=seconds,
        description=description,
        topic=topic,
    )
