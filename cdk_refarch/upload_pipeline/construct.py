"""UploadPipeline: S3 uploads -> EventBridge -> an SQS buffer -> a Python Lambda consumer.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- The notes trigger the function straight from the bucket's event notification
  (002:24-31, 001:1368-1370, 003:195-196). Here S3 sends its events to EventBridge (a
  property of the bucket, no notification custom resource: aws-cdk #2004, #9890), a rule
  filters them and an SQS queue buffers them: bursts wait in the queue instead of being
  throttled, failures are retried and then parked in a dead-letter queue, and one
  bucket can feed several consumers without overwriting one another's notification.
- Delivery is at least once at every hop (EventBridge, SQS, Lambda's retries), never
  "exactly once" (the notes' FIFO claim, 003:1759-1761, holds for neither S3's events
  nor Lambda): the handler is idempotent through Powertools' idempotency table, whose
  records outlive every redelivery the queue can make.
- Failed records are reported one by one (``ReportBatchItemFailures``), so one bad
  object does not send its whole batch back, and the queue's visibility timeout is six
  times the function's timeout, AWS's advice for Lambda on SQS.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.buckets import AccessLogBucket
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.upload_pipeline import consumer
from cdk_refarch.upload_pipeline.bucket import object_created_rule, uploads_bucket
from cdk_refarch.upload_pipeline.checks import check_upload_pipeline, visibility_timeout
from cdk_refarch.upload_pipeline.monitoring import upload_alarms
from cdk_refarch.upload_pipeline.nag import acknowledge_by_design, acknowledge_upload_grant
from cdk_refarch.upload_pipeline.options import (
    IDEMPOTENCY_EXPIRY,
    IDEMPOTENCY_KEY,
    RECORDS_PARTITION_KEY,
    HandlerVariables,
    UploadAlarmOptions,
)

_DEFAULT_VARIABLES = HandlerVariables()
_DEFAULT_ALARMS = UploadAlarmOptions()


class UploadPipeline(Construct):
    """Objects uploaded under ``prefix`` (ending in one of ``suffixes``) -> an
    EventBridge rule -> an SQS buffer with a dead-letter queue -> a Python function
    that records each object, idempotently, and publishes it to ``event_topic``.

    Attributes: ``bucket``, ``log_bucket``, ``rule``, ``queue``, ``dead_letter_queue``,
    ``rule_dead_letter_queue``, ``function``, ``records_table``, ``idempotency_table``,
    ``alarm_topic``, ``alarms``; ``grant_upload(grantee)`` lets a principal put objects
    under the prefix.

    Every default and the reason for it is listed in ``cdk_refarch/upload_pipeline/README.md``.
    """

    PATTERN = "upload-pipeline"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code_path: str,
        event_topic: sns.ITopic,
        handler: str = "handler.handler",
        event_topic_key: kms.IKey | None = None,
        prefix: str = "",
        suffixes: Sequence[str] = (),
        existing_log_bucket: s3.IBucket | None = None,
        noncurrent_version_expiration_days: int = 30,
        memory_size: int = 256,
        timeout_seconds: int = 30,
        reserved_concurrency: int | None = None,
        batch_size: int = 10,
        max_batching_window_seconds: int = 0,
        maximum_concurrency: int | None = 10,
        visibility_timeout_seconds: int | None = None,
        max_receive_count: int = 5,
        rule_retry_attempts: int = 185,
        rule_max_event_age_seconds: int = 86_400,
        existing_records_table: dynamodb.ITableV2 | None = None,
        records_partition_key: str = RECORDS_PARTITION_KEY,
        idempotency_key: str = IDEMPOTENCY_KEY,
        idempotency_expiry_attribute: str = IDEMPOTENCY_EXPIRY,
        idempotency_ttl_seconds: int = 86_400,
        deletion_protection: bool = False,
        variables: HandlerVariables = _DEFAULT_VARIABLES,
        service_name: str | None = None,
        log_level: str = "INFO",
        alarms: UploadAlarmOptions = _DEFAULT_ALARMS,
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        service = construct_id.lower() if service_name is None else service_name
        check_upload_pipeline(
            code_path=code_path,
            handler=handler,
            event_topic=event_topic,
            event_topic_key=event_topic_key,
            prefix=prefix,
            suffixes=suffixes,
            noncurrent_version_expiration_days=noncurrent_version_expiration_days,
            memory_size=memory_size,
            timeout_seconds=timeout_seconds,
            reserved_concurrency=reserved_concurrency,
            batch_size=batch_size,
            max_batching_window_seconds=max_batching_window_seconds,
            maximum_concurrency=maximum_concurrency,
            visibility_timeout_seconds=visibility_timeout_seconds,
            max_receive_count=max_receive_count,
            rule_retry_attempts=rule_retry_attempts,
            rule_max_event_age_seconds=rule_max_event_age_seconds,
            existing_records_table=existing_records_table,
            records_partition_key=records_partition_key,
            idempotency_key=idempotency_key,
            idempotency_expiry_attribute=idempotency_expiry_attribute,
            idempotency_ttl_seconds=idempotency_ttl_seconds,
            deletion_protection=deletion_protection,
            service_name=service,
            log_level=log_level,
            log_retention_days=log_retention_days,
        )
        tag_pattern(self)
        # Checked themselves, before anything is built.
        records_options, idempotency_options = consumer.table_options(
            records_partition_key=records_partition_key,
            idempotency_key=idempotency_key,
            idempotency_expiry_attribute=idempotency_expiry_attribute,
            deletion_protection=deletion_protection,
        )
        retention = log_retention("log_retention_days", log_retention_days)
        self._prefix = prefix

        self.log_bucket: s3.IBucket = (
            existing_log_bucket
            or AccessLogBucket(
                self, "AccessLogs", expiration_days=log_retention_days, removal_policy=removal_policy
            ).bucket
        )
        self.bucket = uploads_bucket(
            self,
            log_bucket=self.log_bucket,
            noncurrent_version_expiration_days=noncurrent_version_expiration_days,
            removal_policy=removal_policy,
        )
        self.queue, self.dead_letter_queue = consumer.buffer_queue(
            self,
            visibility_timeout_seconds=visibility_timeout(timeout_seconds, visibility_timeout_seconds),
            max_receive_count=max_receive_count,
            removal_policy=removal_policy,
        )
        self.rule_dead_letter_queue = consumer.parking_queue(self, "RuleDeadLetterQueue", removal_policy=removal_policy)
        self.rule = object_created_rule(
            self,
            bucket=self.bucket,
            prefix=prefix,
            suffixes=tuple(suffixes),
            queue=self.queue,
            dead_letter_queue=self.rule_dead_letter_queue,
            retry_attempts=rule_retry_attempts,
            max_event_age_seconds=rule_max_event_age_seconds,
        )

        self.records_table: dynamodb.ITableV2 = existing_records_table or consumer.table(
            self, "Records", records_options, removal_policy
        )
        self.idempotency_table = consumer.table(self, "Idempotency", idempotency_options, removal_policy)
        self.function = consumer.consumer_function(
            self,
            code_path=code_path,
            handler=handler,
            memory_size=memory_size,
            timeout_seconds=timeout_seconds,
            reserved_concurrency=reserved_concurrency,
            environment={
                variables.records_table: self.records_table.table_name,
                variables.idempotency_table: self.idempotency_table.table_name,
                variables.event_topic_arn: event_topic.topic_arn,
                variables.idempotency_ttl_seconds: str(idempotency_ttl_seconds),
                variables.service_name: service,
                variables.metrics_namespace: service,
                variables.log_level: log_level,
            },
            service=service,
            retention=retention,
            removal_policy=removal_policy,
        )
        consumer.poll_queue(
            self.function,
            self.queue,
            batch_size=batch_size,
            max_batching_window_seconds=max_batching_window_seconds,
            maximum_concurrency=maximum_concurrency,
        )
        assert self.function.role is not None  # python_function makes its own
        consumer.grant_consumer(
            self.function.role,
            bucket=self.bucket,
            prefix=prefix,
            records_table=self.records_table,
            idempotency_table=self.idempotency_table,
            event_topic=event_topic,
            event_topic_key=event_topic_key,
        )
        acknowledge_by_design(self, prefix=prefix)

        self.alarm_topic = alarms.topic or alarm_topic(self, removal_policy=removal_policy, email=alarms.email)
        self.alarms = upload_alarms(
            self,
            rule=self.rule,
            queue=self.queue,
            dead_letter_queue=self.dead_letter_queue,
            rule_dead_letter_queue=self.rule_dead_letter_queue,
            function=self.function,
            options=alarms,
            topic=self.alarm_topic,
        )

    def grant_upload(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` put objects under the prefix (``s3:PutObject``; multipart
        uploads included), and nothing else: no read, list or delete. For a role, the
        wildcard finding this makes (any key under the prefix) is acknowledged on it."""
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:PutObject"],
            resource_arns=[self.bucket.arn_for_objects(f"{self._prefix}*")],
        )
        acknowledge_upload_grant(grantee.grant_principal, self.bucket, prefix=self._prefix)
        return grant
