"""FanOut's alarms: a message nobody will process, a queue falling behind, a delivery
that failed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm, check_email, messages_waiting_alarm, oldest_message_alarm
from cdk_refarch.core.errors import require
from cdk_refarch.core.names import pascal
from cdk_refarch.core.validation import check_int
from cdk_refarch.fan_out.options import RETENTION_SECONDS

_PERIOD = Duration.minutes(5)


@dataclass(frozen=True)
class FanOutAlarmOptions:
    """Thresholds of the fan-out's alarms and where they notify.

    :param oldest_message_age_seconds: alarm when a queue's oldest message is older
        (60 s .. 14 days; below every queue's retention, or it could never fire).
    :param topic: an SNS topic to notify; ``None`` creates an encrypted one.
    :param email: subscribe this address to the topic created here.
    """

    oldest_message_age_seconds: int = 900
    topic: sns.ITopic | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        check_int(
            "oldest_message_age_seconds",
            self.oldest_message_age_seconds,
            minimum=60,
            maximum=RETENTION_SECONDS[1],
            unit="s",
        )
        check_email("email", self.email)
        require(
            self.topic is None or self.email is None,
            "email is only used with the topic created here; subscribe it to your own topic instead",
        )


def fan_out_alarms(
    scope: Construct,
    *,
    topic: sns.Topic,
    queues: Mapping[str, sqs.Queue],
    dead_letter_queues: Mapping[str, sqs.Queue],
    delivery_dead_letter_queue: sqs.Queue,
    options: FanOutAlarmOptions,
    alarm_topic: sns.ITopic,
) -> list[cloudwatch.Alarm]:
    """Any message in any dead-letter queue, each queue's oldest message above the
    threshold, and any notification SNS failed to deliver."""

    found = [
        add_alarm(
            scope,
            "NotificationsFailedAlarm",
            metric=topic.metric_number_of_notifications_failed(statistic="Sum", period=_PERIOD),
            threshold=0,
            description="SNS failed to deliver a notification to a queue (see the delivery dead-letter queue)",
            topic=alarm_topic,
        ),
        messages_waiting_alarm(
            scope,
            "DeliveryDeadLettersAlarm",
            queue=delivery_dead_letter_queue,
            description="A message SNS could not deliver waits in the delivery dead-letter queue",
            topic=alarm_topic,
        ),
    ]
    age = options.oldest_message_age_seconds
    for name, queue in queues.items():
        found.append(
            messages_waiting_alarm(
                scope,
                f"{pascal(name)}DeadLettersAlarm",
                queue=dead_letter_queues[name],
                description=f"A message of queue '{name}' failed processing and waits in its dead-letter queue",
                topic=alarm_topic,
            )
        )
        found.append(
            oldest_message_alarm(
                scope,
                f"{pascal(name)}OldestMessageAlarm",
                queue=queue,
                seconds=age,
                description=f"The oldest message of queue '{name}' is older than {age} seconds",
                topic=alarm_topic,
            )
        )
    return found
