"""The buffer queue, its consumer function and the tables the function writes."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_refarch.core.functions import powertools_layer, python_function
from cdk_refarch.dynamo_table import DynamoTable, TableOptions

#: How long an unconsumed event waits in the buffer (SQS's default, written out).
BUFFER_RETENTION_DAYS = 4
#: Dead-letter queues keep a message as long as SQS allows, and longer than the buffer:
#: a moved message keeps its first enqueue time, so a shorter retention would drop it.
DEAD_LETTER_RETENTION_DAYS = 14
#: Long polling: a receive waits up to 20 seconds (SQS's most) for a message.
RECEIVE_WAIT_SECONDS = 20
#: What the idempotency layer does with its table (Powertools' DynamoDB persistence layer).
IDEMPOTENCY_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
#: What the handler does with the records table: one conditional put per object.
RECORDS_ACTIONS = ("dynamodb:PutItem",)
#: What publishing to a topic under a KMS key needs on that key: SNS asks for a data key
#: (and decrypts it) on the publisher's behalf.
TOPIC_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def encrypted_queue(
    scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, **props: object
) -> sqs.Queue:
    """A queue under SQS-managed encryption (SSE-SQS) that refuses requests without TLS.

    SSE-SQS and not a customer-managed key: EventBridge sends to it with no key policy
    to write, and CDK's SQS target then scopes the queue policy to the rule
    (``aws:SourceArn``), which it does not for a queue under a KMS key (there it allows
    any rule of the account). No key, no KMS requests to pay for.
    """
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        removal_policy=removal_policy,
        **props,  # type: ignore[arg-type]
    )


def parking_queue(scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy) -> sqs.Queue:
    """A dead-letter queue: encrypted, TLS only, messages kept 14 days."""
    return encrypted_queue(
        scope, construct_id, removal_policy=removal_policy, retention_period=Duration.days(DEAD_LETTER_RETENTION_DAYS)
    )


def buffer_queue(
    scope: Construct, *, visibility_timeout_seconds: int, max_receive_count: int, removal_policy: RemovalPolicy
) -> tuple[sqs.Queue, sqs.Queue]:
    """The buffer (``Queue``) with long polling, and its dead-letter queue
    (``DeadLetterQueue``) for a message received ``max_receive_count`` times unprocessed."""
    dead_letter_queue = parking_queue(scope, "DeadLetterQueue", removal_policy=removal_policy)
    queue = encrypted_queue(
        scope,
        "Queue",
        removal_policy=removal_policy,
        visibility_timeout=Duration.seconds(visibility_timeout_seconds),
        receive_message_wait_time=Duration.seconds(RECEIVE_WAIT_SECONDS),
        retention_period=Duration.days(BUFFER_RETENTION_DAYS),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letter_queue, max_receive_count=max_receive_count),
    )
    return queue, dead_letter_queue


def table_options(
    *,
    records_partition_key: str,
    idempotency_key: str,
    idempotency_expiry_attribute: str,
    deletion_protection: bool,
) -> tuple[TableOptions, TableOptions]:
    """The records table's options (unused with an existing table) and the idempotency
    table's: string partition keys, on demand, PITR, and TTL on the expiry attribute."""

    def key(name: str) -> dynamodb.Attribute:
        return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)

    records = TableOptions(partition_key=key(records_partition_key), deletion_protection=deletion_protection)
    idempotency = TableOptions(
        partition_key=key(idempotency_key),
        time_to_live_attribute=idempotency_expiry_attribute,
        deletion_protection=deletion_protection,
    )
    return records, idempotency


def table(
    scope: Construct, construct_id: str, options: TableOptions, removal_policy: RemovalPolicy
) -> dynamodb.ITableV2:
    return DynamoTable(scope, construct_id, options=options, removal_policy=removal_policy).table


def consumer_function(
    scope: Construct,
    *,
    code_path: str,
    handler: str,
    memory_size: int,
    timeout_seconds: int,
    reserved_concurrency: int | None,
    environment: Mapping[str, str],
    service: str,
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> lambda_.Function:
    """The consumer under ``Consumer`` (``Logs``, ``Role``, ``Function``), on the
    Powertools layer (``Powertools``)."""
    consumer = Construct(scope, "Consumer")
    return python_function(
        consumer,
        code_path=code_path,
        handler=handler,
        memory_size=memory_size,
        timeout_seconds=timeout_seconds,
        reserved_concurrency=reserved_concurrency,
        layer=powertools_layer(consumer),
        environment=environment,
        description=f"{service}: processes new objects of the uploads bucket",
        role_description=f"{service} upload consumer function",
        retention=retention,
        removal_policy=removal_policy,
    )


def poll_queue(
    function: lambda_.Function,
    queue: sqs.IQueue,
    *,
    batch_size: int,
    max_batching_window_seconds: int,
    maximum_concurrency: int | None,
) -> None:
    """The event source mapping, reporting failed records one by one
    (``ReportBatchItemFailures``) so that only they return to the queue; it grants the
    role the queue's consume actions."""
    function.add_event_source(
        event_sources.SqsEventSource(
            queue,
            batch_size=batch_size,
            max_batching_window=Duration.seconds(max_batching_window_seconds),
            max_concurrency=maximum_concurrency,
            report_batch_item_failures=True,
        )
    )


def grant_consumer(
    role: iam.IRole,
    *,
    bucket: s3.IBucket,
    prefix: str,
    records_table: dynamodb.ITableV2,
    idempotency_table: dynamodb.ITableV2,
    event_topic: sns.ITopic,
    event_topic_key: kms.IKey | None,
) -> None:
    """Exactly what the handler calls: HeadObject (``s3:GetObject``, and
    ``s3:GetObjectVersion`` for a given version) under the prefix, a put on the records
    table, the idempotency layer's item actions, ``sns:Publish`` on the topic, and on
    the topic's key (its ``master_key``, or ``event_topic_key`` for an imported topic)
    the two actions SNS calls when a message is published to an encrypted topic.

    Not ``Topic.grant_publish``: in aws-cdk-lib 2.275 it grants the key too (aws-cdk
    #21892 is fixed), but as ``kms:GenerateDataKey*``, a wildcard; ``FanOut`` grants the
    same two exact actions.

    ``s3:ListBucket`` on the bucket: without it S3 answers HeadObject on a deleted object
    with 403 instead of 404 (HeadObject API reference), and the handler would retry an
    object that is gone into the dead-letter queue. No ``s3:prefix`` condition: that key
    belongs to listing requests, not to HeadObject."""
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject", "s3:GetObjectVersion"], resources=[bucket.arn_for_objects(f"{prefix}*")]
        )
    )
    role.add_to_principal_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]))
    records_table.grant(role, *RECORDS_ACTIONS)
    idempotency_table.grant(role, *IDEMPOTENCY_ACTIONS)
    iam.Grant.add_to_principal(grantee=role, actions=["sns:Publish"], resource_arns=[event_topic.topic_arn])
    topic_key = event_topic.master_key or event_topic_key
    if topic_key is not None:
        topic_key.grant(role, *TOPIC_KEY_ACTIONS)
