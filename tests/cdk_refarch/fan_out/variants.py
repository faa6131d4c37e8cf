"""FanOut stacks for the option assertions, synthesized once per test module with cdk-nag."""

from __future__ import annotations

from aws_cdk import App, Duration, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from cdk_refarch.fan_out import FanOut, FanOutAlarmOptions, FilterPolicy, QueueConsumer, QueueOptions

ENV = Environment(region="eu-west-1")
DEFAULTS, FIFO, OPTIONS, CONSUMERS = "FanOutDefaults", "FanOutFifo", "FanOutOptions", "FanOutConsumers"
ATTRIBUTE_FILTER = {"event": ["order_placed", "order_refunded"]}
BODY_FILTER = {
    "order": {"total": [{"numeric": [">=", 1000]}], "currency": ["EUR", "USD"]},
    "country": [{"anything-but": ["FR", "DE"]}],
}
RULE_ARN = "arn:aws:events:eu-west-1:111111111111:rule/payments"


def consumer_function(scope: Construct, construct_id: str, *, timeout_seconds: int) -> lambda_.Function:
    """A small function clean under cdk-nag: the latest Python runtime, and its own role
    that writes only to its own log group (no AWSLambdaBasicExecutionRole)."""
    holder = Construct(scope, construct_id)
    role = iam.Role(holder, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    log_group = logs.LogGroup(
        holder, "Logs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY
    )
    log_group.grant_write(role)
    return lambda_.Function(
        holder,
        "Function",
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {'batchItemFailures': []}\n"),
        handler="index.handler",
        timeout=Duration.seconds(timeout_seconds),
        role=role,
        log_group=log_group,
    )


def build(app: App) -> list[Stack]:
    # Two queues, one filtered on a message attribute; everything else by default, and
    # no environment (the topic's ARN is built from the stack's pseudo parameters).
    defaults = Stack(app, DEFAULTS)
    FanOut(
        defaults,
        "Orders",
        queues={"billing": QueueOptions(), "audit": QueueOptions()},
        filter_policies={"billing": FilterPolicy(ATTRIBUTE_FILTER)},
    )

    # A FIFO topic: a FIFO queue with a consumer at the edge of the visibility rule
    # (30 s = 6 x 5 s), a standard queue under the FIFO topic, alarms mailed.
    fifo = Stack(app, FIFO, env=ENV)
    FanOut(
        fifo,
        "Ledger",
        fifo=True,
        queues={"ledger": QueueOptions(), "reports": QueueOptions(fifo=False, unordered_under_fifo_topic=True)},
        consumers={"ledger": QueueConsumer(consumer_function(fifo, "LedgerConsumer", timeout_seconds=5))},
        alarms=FanOutAlarmOptions(email="ops@example.com"),
    )

    # Every option: a body filter, raw delivery, a consumer with every setting,
    # publishers, an existing key, an own alarm topic, DESTROY; and a grant_publish.
    full = Stack(app, OPTIONS, env=ENV)
    shared_key = kms.Key(full, "SharedKey", enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY)
    ops_topic = sns.Topic(full, "OpsTopic", master_key=shared_key, enforce_ssl=True)
    publisher = iam.Role(full, "Publisher", assumed_by=iam.AccountRootPrincipal())
    granted = iam.Role(full, "Granted", assumed_by=iam.AccountRootPrincipal())
    payments = FanOut(
        full,
        "Payments",
        queues={
            "payments": QueueOptions(
                max_receive_count=3,
                retention_days=14,
                visibility_timeout_seconds=120,
                receive_wait_seconds=10,
                raw_message_delivery=True,
            ),
            "fraud": QueueOptions(retention_days=0.5),
        },
        filter_policies={"fraud": FilterPolicy(BODY_FILTER, scope="MessageBody")},
        consumers={
            "payments": QueueConsumer(
                consumer_function(full, "PaymentsConsumer", timeout_seconds=20),
                batch_size=100,
                max_batching_window_seconds=5,
                maximum_concurrency=5,
                report_batch_item_failures=False,
            )
        },
        publishers=[
            publisher,
            iam.ServicePrincipal("events.amazonaws.com", conditions={"ArnEquals": {"aws:SourceArn": RULE_ARN}}),
        ],
        existing_key=shared_key,
        alarms=FanOutAlarmOptions(topic=ops_topic, oldest_message_age_seconds=300),
        removal_policy=RemovalPolicy.DESTROY,
    )
    payments.grant_publish(granted)
    payments.grant_publish(granted)  # twice: still one statement each

    # A consumer in a stack of its own (a stateless stack beside the stateful one).
    consumers = Stack(app, CONSUMERS, env=ENV)
    payments.add_consumer("fraud", QueueConsumer(consumer_function(consumers, "FraudConsumer", timeout_seconds=5)))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, fifo, full, consumers]
