"""UploadPipeline stacks for the option assertions, synthesized once per test module with cdk-nag."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import AccessLogBucket
from cdk_refarch.upload_pipeline import HandlerVariables, UploadAlarmOptions, UploadPipeline

ROOT = Path(__file__).resolve().parents[3]
ENV = Environment(region="eu-west-1")
# The real handler when it is there (the stack deploys it), else a stand-in: these tests
# are about the infrastructure, not the handler's code.
RUNTIME_CODE = ROOT / "runtime" / "uploads"
CODE_PATH = str(RUNTIME_CODE if (RUNTIME_CODE / "handler.py").is_file() else Path(__file__).parent / "stub")
TOPIC_ARN = "arn:aws:sns:eu-west-1:111111111111:upload-events"
TOPIC_KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
RECORDS_TABLE_ARN = "arn:aws:dynamodb:eu-west-1:111111111111:table/upload-records"
DEFAULTS, OPTIONS, SHARED = "UploadDefaults", "UploadOptions", "UploadShared"
VARIABLES = HandlerVariables(
    records_table="RECORDS",
    idempotency_table="IDEMPOTENCY",
    event_topic_arn="TOPIC",
    idempotency_ttl_seconds="TTL",
    service_name="SERVICE",
    metrics_namespace="NAMESPACE",
    log_level="LEVEL",
)


def event_topic(stack: Stack) -> sns.Topic:
    """The app's kind of topic: its own customer-managed key, TLS only."""
    key = kms.Key(stack, "EventKey", enable_key_rotation=True)
    return sns.Topic(stack, "Events", master_key=key, enforce_ssl=True)


def build(app: App) -> list[Stack]:
    # Every default: no key filter, a log bucket, both tables and an alarm topic made here.
    defaults = Stack(app, DEFAULTS, env=ENV)
    UploadPipeline(defaults, "Uploads", code_path=CODE_PATH, event_topic=event_topic(defaults))

    # Every number and name changed, a prefix with suffixes, e-mail alarms, DESTROY, and
    # an uploader granted through grant_upload.
    full = Stack(app, OPTIONS, env=ENV)
    pipeline = UploadPipeline(
        full,
        "Ingest",
        code_path=CODE_PATH,
        handler="handler.handler",
        event_topic=event_topic(full),
        prefix="incoming/images/",
        suffixes=(".jpg", ".png"),
        noncurrent_version_expiration_days=90,
        memory_size=1024,
        timeout_seconds=60,
        reserved_concurrency=20,
        batch_size=100,
        max_batching_window_seconds=5,
        maximum_concurrency=20,
        visibility_timeout_seconds=600,
        max_receive_count=3,
        rule_retry_attempts=10,
        rule_max_event_age_seconds=3600,
        records_partition_key="pk",
        idempotency_key="request",
        idempotency_expiry_attribute="expires_at",
        idempotency_ttl_seconds=7200,
        deletion_protection=True,
        variables=VARIABLES,
        service_name="image-ingest",
        log_level="DEBUG",
        alarms=UploadAlarmOptions(oldest_message_age_seconds=300, function_errors=3, email="ops@example.com"),
        log_retention_days=30,
        removal_policy=RemovalPolicy.DESTROY,
    )
    uploader = iam.Role(full, "Uploader", assumed_by=iam.AccountRootPrincipal())
    pipeline.grant_upload(uploader)

    # What the caller owns: the stack's log bucket, a records table, an imported topic
    # with its key, and an alarm topic; a prefix without suffixes.
    shared = Stack(app, SHARED, env=ENV)
    log_bucket = AccessLogBucket(shared, "Logs", expiration_days=30, removal_policy=RemovalPolicy.DESTROY).bucket
    alarm_key = kms.Key(shared, "AlarmKey", enable_key_rotation=True)
    UploadPipeline(
        shared,
        "Inbox",
        code_path=CODE_PATH,
        event_topic=sns.Topic.from_topic_arn(shared, "Topic", TOPIC_ARN),
        event_topic_key=kms.Key.from_key_arn(shared, "TopicKey", TOPIC_KEY_ARN),
        prefix="inbox",
        existing_log_bucket=log_bucket,
        existing_records_table=dynamodb.TableV2.from_table_arn(shared, "Records", RECORDS_TABLE_ARN),
        alarms=UploadAlarmOptions(topic=sns.Topic(shared, "OpsTopic", master_key=alarm_key, enforce_ssl=True)),
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, full, shared]
