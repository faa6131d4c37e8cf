"""What the tests of every Powertools Lambda handler (``runtime/items``, ``uploads``,
``events``) need to call it as Lambda does and read what it says: a context, SQS event
records, the partial batch response, its log lines and its metrics."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

ACCOUNT = "123456789012"


def lambda_environment(region: str) -> dict[str, str]:
    """What Lambda (and moto) set for every handler under test: the region, dummy
    credentials that moto accepts, and Powertools' tracer off (no X-Ray daemon here)."""
    return {
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "1",
    }


@dataclass(frozen=True)
class FakeLambdaContext:
    """The context Lambda passes: what Powertools' logger and tracer read of it."""

    function_name: str
    region: str = "us-east-1"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_stream_name: str = "2026/11/02/[$LATEST]0123456789abcdef"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def sqs_record(
    body: str, *, queue_arn: str, region: str, message_id: str | None = None, receipt_handle: str = "handle"
) -> dict[str, Any]:
    """One record of the event Lambda's SQS event source mapping sends."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1793613600000",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1793613600001",
        },
        "messageAttributes": {},
        "md5OfBody": "00000000000000000000000000000000",
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def failed_ids(response: dict[str, Any]) -> list[str]:
    """The message IDs of a partial batch response's failures."""
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


LogLines = Callable[[], list[dict[str, Any]]]


def capture_logs(module: ModuleType) -> Iterator[LogLines]:
    """The handler's structured log records emitted meanwhile, parsed (the Logger binds its
    stream at import, so capsys cannot see it; it is pointed at a buffer instead)."""
    buffer = io.StringIO()
    log_handler = module.logger.registered_handler
    previous = log_handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    log_handler.setStream(previous)


def emitted_metrics(stdout: str, namespace: str) -> dict[str, float]:
    """Metric name -> total, from the Embedded Metric Format blobs Powertools prints; every
    blob must be in ``namespace``."""
    totals: dict[str, float] = {}
    for line in stdout.splitlines():
        try:
            blob = json.loads(line)
        except ValueError:
            continue
        if not isinstance(blob, dict) or "_aws" not in blob:
            continue
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == namespace
            for metric in directive["Metrics"]:
                values = blob[metric["Name"]]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(
                    values if isinstance(values, list) else [values]
                )
    return totals
