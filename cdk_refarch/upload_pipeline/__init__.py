"""S3 uploads -> EventBridge -> SQS -> Lambda: ``UploadPipeline``."""

from cdk_refarch.upload_pipeline.construct import UploadPipeline
from cdk_refarch.upload_pipeline.options import (
    IDEMPOTENCY_EXPIRY,
    IDEMPOTENCY_KEY,
    OBJECT_CREATED,
    RECORDS_PARTITION_KEY,
    HandlerVariables,
    UploadAlarmOptions,
)

__all__ = [
    "IDEMPOTENCY_EXPIRY",
    "IDEMPOTENCY_KEY",
    "OBJECT_CREATED",
    "RECORDS_PARTITION_KEY",
    "HandlerVariables",
    "UploadAlarmOptions",
    "UploadPipeline",
]
