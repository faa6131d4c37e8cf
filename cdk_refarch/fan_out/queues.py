"""FanOut's parts: the topic, the queues and their dead-letter queues, the
subscriptions and the consumers."""

from __future__ import annotations

from aws_cdk import Duration, Names, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.names import pascal
from cdk_refarch.fan_out.options import RETENTION_SECONDS, FilterPolicy, QueueConsumer, QueueOptions

#: SQS queue names: up to 80 characters, ".fifo" included for a FIFO queue.
_QUEUE_NAME_LENGTH = 80
#: Dead-letter queues keep messages as long as SQS allows: time to find and fix the cause.
DEAD_LETTER_RETENTION = Duration.seconds(RETENTION_SECONDS[1])


def topic(scope: Construct, *, name: str, key: kms.IKey, fifo: bool, deduplicate: bool) -> sns.Topic:
    """The topic (``Topic``): encrypted with ``key``, publishing over TLS only, messages
    signed with SHA256 (signature version 2)."""
    return sns.Topic(
        scope,
        "Topic",
        topic_name=name,
        master_key=key,
        enforce_ssl=True,
        signature_version="2",
        fifo=fifo or None,
        content_based_deduplication=deduplicate or None,
    )


def _queue(
    scope: Construct,
    construct_id: str,
    *,
    key: kms.IKey,
    fifo: bool,
    removal_policy: RemovalPolicy,
    retention: Duration,
    **props: object,
) -> sqs.Queue:
    """Every queue of the pattern: under ``key``, TLS only. A FIFO queue is named
    ``<Stack>-<path>-<hash>.fifo`` within SQS's 80 characters: CloudFormation's own names
    for FIFO queues can exceed them (cloudformation-coverage-roadmap #280)."""
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        fifo=fifo or None,
        retention_period=retention,
        removal_policy=removal_policy,
        **props,  # type: ignore[arg-type]
    )
    if fifo:
        resource = queue.node.default_child
        assert isinstance(resource, sqs.CfnQueue)
        name = Names.unique_resource_name(queue, max_length=_QUEUE_NAME_LENGTH - len(".fifo"), separator="-")
        resource.queue_name = f"{name}.fifo"
    return queue


def subscriber_queue(
    scope: Construct,
    name: str,
    options: QueueOptions,
    *,
    key: kms.IKey,
    fifo: bool,
    deduplicate: bool,
    removal_policy: RemovalPolicy,
) -> tuple[sqs.Queue, sqs.Queue]:
    """The queue ``<Name>Queue`` and its own dead-letter queue ``<Name>DeadLetterQueue``
    (of the same type, as SQS requires), which takes a message after ``max_receive_count``
    receives."""
    dead_letters = _queue(
        scope,
        f"{pascal(name)}DeadLetterQueue",
        key=key,
        fifo=fifo,
        removal_policy=removal_policy,
        retention=DEAD_LETTER_RETENTION,
    )
    queue = _queue(
        scope,
        f"{pascal(name)}Queue",
        key=key,
        fifo=fifo,
        removal_policy=removal_policy,
        retention=Duration.seconds(options.retention_seconds),
        visibility_timeout=Duration.seconds(options.visibility_timeout_seconds),
        receive_message_wait_time=Duration.seconds(options.receive_wait_seconds),
        content_based_deduplication=deduplicate or None,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=options.max_receive_count),
    )
    return queue, dead_letters


def delivery_dead_letter_queue(
    scope: Construct, *, key: kms.IKey, fifo: bool, removal_policy: RemovalPolicy
) -> sqs.Queue:
    """``DeliveryDeadLetterQueue``: what SNS cannot deliver to a subscriber queue (the
    queue is gone, its policy or key refuses SNS) after its retries; FIFO for a FIFO topic,
    as SNS requires of every subscription's dead-letter queue."""
    queue = _queue(
        scope,
        "DeliveryDeadLetterQueue",
        key=key,
        fifo=fifo,
        removal_policy=removal_policy,
        retention=DEAD_LETTER_RETENTION,
    )
    acknowledge(
        queue,
        "AwsSolutions-SQS3",
        "This queue is the dead-letter queue of the topic's SNS subscriptions (their RedrivePolicy); "
        "cdk-nag recognizes only SQS queues and Lambda functions as users of a dead-letter queue.",
    )
    return queue


def subscribe(
    scope: Construct,
    name: str,
    *,
    topic: sns.ITopic,
    queue: sqs.Queue,
    raw_message_delivery: bool,
    filter_policy: FilterPolicy | None,
    dead_letter_queue: sqs.IQueue,
) -> sns.Subscription:
    """``<Name>Subscription`` of ``queue`` to ``topic``; the queue's policy lets SNS send
    for this topic only, and CDK does the same on ``dead_letter_queue``."""
    allowed = queue.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("sns.amazonaws.com")],
            resources=[queue.queue_arn],
            conditions={"ArnEquals": {"aws:SourceArn": topic.topic_arn}},
        )
    )
    subscription = sns.Subscription(
        scope,
        f"{pascal(name)}Subscription",
        topic=topic,
        endpoint=queue.queue_arn,
        protocol=sns.SubscriptionProtocol.SQS,
        raw_message_delivery=raw_message_delivery or None,
        dead_letter_queue=dead_letter_queue,
    )
    # SNS confirms an SQS subscription by sending to the queue: the policy must come first.
    if allowed.policy_dependable is not None:
        subscription.node.add_dependency(allowed.policy_dependable)
    if filter_policy is not None:
        resource = subscription.node.default_child
        assert isinstance(resource, sns.CfnSubscription)
        resource.filter_policy = dict(filter_policy.policy)
        resource.filter_policy_scope = filter_policy.scope
    return subscription


def attach_consumer(queue: sqs.Queue, consumer: QueueConsumer) -> event_sources.SqsEventSource:
    """An event source mapping from ``queue`` to the consumer's function; CDK grants the
    function's role exactly the consume actions on the queue and decrypt on its key."""
    window = consumer.max_batching_window_seconds
    source = event_sources.SqsEventSource(
        queue,
        batch_size=consumer.batch_size,
        # Lambda takes no batching window on FIFO queues, not even 0: set only when used.
        max_batching_window=Duration.seconds(window) if window else None,
        max_concurrency=consumer.maximum_concurrency,
        report_batch_item_failures=consumer.report_batch_item_failures,
    )
    consumer.function.add_event_source(source)
    return source
