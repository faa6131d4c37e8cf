"""The upload pipeline stack: ``UploadPipeline`` running ``runtime/uploads``, publishing to the fan-out topic."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.upload_pipeline import HandlerVariables, UploadAlarmOptions, UploadPipeline
from stacks.alarms.stack import alarm_destination
from stacks.contracts import RUNTIME, load_contract
from stacks.stages import StageSettings, for_stage
from stacks.upload_pipeline.settings import SETTINGS

UPLOADS_CODE = str(RUNTIME / "uploads")


class UploadPipelineStack(Stack):
    """Uploads under ``uploads/`` become records in a table and events on ``event_topic``
    (the fan-out stack's topic, under its key). Its alarms notify ``alarm_topic`` (the
    application's); without one, a topic of its own mailing the stage's alarm e-mail."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        event_topic: sns.ITopic,
        event_topic_key: kms.IKey,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        contract = load_contract("uploads")
        self.pipeline = UploadPipeline(
            self,
            "Uploads",
            code_path=UPLOADS_CODE,
            handler=contract.HANDLER,
            event_topic=event_topic,
            event_topic_key=event_topic_key,
            prefix=settings.prefix,
            records_partition_key=contract.RECORDS_PARTITION_KEY,
            idempotency_key=contract.IDEMPOTENCY_KEY,
            idempotency_expiry_attribute=contract.IDEMPOTENCY_EXPIRY,
            variables=HandlerVariables(
                records_table=contract.ENV_RECORDS_TABLE,
                idempotency_table=contract.ENV_IDEMPOTENCY_TABLE,
                event_topic_arn=contract.ENV_EVENT_TOPIC_ARN,
                idempotency_ttl_seconds=contract.ENV_IDEMPOTENCY_TTL_SECONDS,
                service_name=contract.ENV_SERVICE_NAME,
                metrics_namespace=contract.ENV_METRICS_NAMESPACE,
                log_level=contract.ENV_LOG_LEVEL,
            ),
            reserved_concurrency=settings.reserved_concurrency,
            deletion_protection=settings.deletion_protection,
            alarms=UploadAlarmOptions(**alarm_destination(stage, alarm_topic)),
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "BucketName", value=self.pipeline.bucket.bucket_name, description="Upload here")
        CfnOutput(self, "Prefix", value=settings.prefix, description="Keys under this prefix are processed")
        CfnOutput(self, "RecordsTable", value=self.pipeline.records_table.table_name, description="One item per object")
