"""FanOut: one SNS topic delivering to several SQS queues, each with its own filter,
dead-letter queue and optional Lambda consumer.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- Encryption is at rest, with one customer managed KMS key for topic and queues; "in
  transmission" (003:1725) is TLS, which the topic's and queues' policies enforce. The
  AWS managed key cannot be used: SNS cannot deliver to queues under it (aws-cdk #19796).
- SNS retries deliveries (003:1711-1713), and what it still cannot deliver goes to a
  delivery dead-letter queue instead of being dropped.
- FIFO queues give ordered, deduplicated delivery within SQS's 5-minute deduplication
  window, not "exactly-once processing" (003:1761): consumers must still be idempotent.
- SQS keeps a message until it is deleted or its retention ends, not "even if retrieved"
  as a store (003:1767); long polling (003:1797) cuts empty receives, it is not free.
- A FIFO topic may deliver to a standard queue (``QueueOptions(fifo=False)``), as SNS
  allows, with best-effort order and at-least-once delivery for that queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.fan_out import encryption
from cdk_refarch.fan_out import queues as builders
from cdk_refarch.fan_out.checks import check_added_consumer, check_fan_out
from cdk_refarch.fan_out.monitoring import FanOutAlarmOptions, fan_out_alarms
from cdk_refarch.fan_out.options import FilterPolicy, QueueConsumer, QueueOptions

_NONE: Mapping[str, Any] = MappingProxyType({})
_DEFAULT_ALARMS = FanOutAlarmOptions()


class FanOut(Construct):
    """SNS topic -> one SQS queue per entry of ``queues``.

    Attributes: ``topic``, ``key``, ``queues`` and ``dead_letter_queues`` (by queue
    name), ``delivery_dead_letter_queue``, ``subscriptions`` and ``consumers`` (their
    functions, by queue name), ``alarm_topic``, ``alarms``; ``grant_publish(grantee)``,
    ``add_consumer(queue_name, consumer)``.

    Every default and the reason for it is listed in ``cdk_refarch/fan_out/README.md``.
    """

    PATTERN = "fan-out"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queues: Mapping[str, QueueOptions],
        filter_policies: Mapping[str, FilterPolicy] = _NONE,
        consumers: Mapping[str, QueueConsumer] = _NONE,
        fifo: bool = False,
        content_based_deduplication: bool | None = None,
        publishers: Sequence[iam.IPrincipal] = (),
        existing_key: kms.IKey | None = None,
        alarms: FanOutAlarmOptions = _DEFAULT_ALARMS,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        check_fan_out(
            queues=queues,
            filter_policies=filter_policies,
            consumers=consumers,
            fifo=fifo,
            content_based_deduplication=content_based_deduplication,
            publishers=publishers,
            existing_key=existing_key,
            alarms=alarms,
        )
        tag_pattern(self)
        deduplicate = fifo if content_based_deduplication is None else content_based_deduplication

        name = encryption.topic_name(self, fifo=fifo)
        self.key: kms.IKey = encryption.data_key(
            self,
            existing_key=existing_key,
            topic_arn=encryption.topic_arn(self, name),
            removal_policy=removal_policy,
        )
        self.topic: sns.Topic = builders.topic(self, name=name, key=self.key, fifo=fifo, deduplicate=deduplicate)
        encryption.allow_publishers(self.topic, self.key, publishers)

        self.delivery_dead_letter_queue: sqs.Queue = builders.delivery_dead_letter_queue(
            self, key=self.key, fifo=fifo, removal_policy=removal_policy
        )
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        self.subscriptions: dict[str, sns.Subscription] = {}
        for queue_name, options in queues.items():
            queue_fifo = options.is_fifo(fifo)
            queue, dead_letters = builders.subscriber_queue(
                self,
                queue_name,
                options,
                key=self.key,
                fifo=queue_fifo,
                deduplicate=deduplicate and queue_fifo,
                removal_policy=removal_policy,
            )
            self.queues[queue_name], self.dead_letter_queues[queue_name] = queue, dead_letters
            self.subscriptions[queue_name] = builders.subscribe(
                self,
                queue_name,
                topic=self.topic,
                queue=queue,
                raw_message_delivery=options.raw_message_delivery,
                filter_policy=filter_policies.get(queue_name),
                dead_letter_queue=self.delivery_dead_letter_queue,
            )

        self._queue_options, self._fifo = dict(queues), fifo
        self.consumers: dict[str, lambda_.Function] = {}
        for queue_name, consumer in consumers.items():
            self.add_consumer(queue_name, consumer)

        self.alarm_topic: sns.ITopic = alarms.topic or alarm_topic(
            self, removal_policy=removal_policy, email=alarms.email
        )
        self.alarms = fan_out_alarms(
            self,
            topic=self.topic,
            queues=self.queues,
            dead_letter_queues=self.dead_letter_queues,
            delivery_dead_letter_queue=self.delivery_dead_letter_queue,
            options=alarms,
            alarm_topic=self.alarm_topic,
        )

    def add_consumer(self, queue_name: str, consumer: QueueConsumer) -> event_sources.SqsEventSource:
        """Let ``consumer``'s function consume queue ``queue_name``, as the ``consumers``
        prop does. The event source mapping and the grants go into the function's stack,
        so a stateless stack can hold the consumers of this (stateful) one's queues."""
        check_added_consumer(
            queue_name, consumer, queues=self._queue_options, fifo=self._fifo, consumed=tuple(self.consumers)
        )
        self.consumers[queue_name] = consumer.function
        return builders.attach_consumer(self.queues[queue_name], consumer)

    def grant_publish(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` publish: ``sns:Publish`` on the topic, and ``kms:Decrypt`` and
        ``kms:GenerateDataKey`` on the key, which publishing to an encrypted topic needs.

        aws-cdk-lib's ``Topic.grant_publish`` grants the key too since aws-cdk #21892 was
        fixed, but as ``kms:GenerateDataKey*``, a wildcard cdk-nag reports on the grantee's
        policy; this grants the two actions SNS calls, each once.
        """
        publish = iam.Grant.add_to_principal_or_resource(
            grantee=grantee, actions=["sns:Publish"], resource_arns=[self.topic.topic_arn], resource=self.topic
        )
        return publish.combine(self.key.grant(grantee, *encryption.SNS_KEY_ACTIONS))
