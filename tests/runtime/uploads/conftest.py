"""Fixtures for the upload Lambda: environment, the pipeline's AWS resources in moto, event builders.

runtime/uploads/handler.py does ``from contract import ...``, and so do the items handler and
the web server, each for its own contract.py; it also imports ``messages`` and ``settings``
from its folder, names generic enough to clash. So nothing here puts runtime/uploads on
sys.path: the contract is loaded by file path once, as ``refarch_uploads_contract``; each
load of the handler (as ``refarch_uploads_handler``, say) executes messages.py and
settings.py afresh under the handler's name plus a suffix (``refarch_uploads_handler_messages``),
and ``sys.modules["contract"]``, ``["messages"]`` and ``["settings"]`` point at those modules
only while they and the handler are executed; whatever was there before is put back. No
bytecode is written into runtime/uploads, which is the Lambda asset.
"""

from __future__ import annotations

import itertools
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import boto3
import pytest
from moto import mock_aws
from moto.core.config import DefaultConfig

from tests.runtime import lambda_harness
from tests.runtime.contracts import load_cold, load_module, sibling_name
from tests.runtime.lambda_harness import LogLines as LogLines
from tests.runtime.lambda_harness import capture_logs
from tests.runtime.lambda_harness import failed_ids as failed_ids

UPLOADS_DIR: Final = Path(__file__).resolve().parents[3] / "runtime" / "uploads"
REGION: Final = "us-east-1"
ACCOUNT: Final = "123456789012"
BUCKET: Final = "uploads-test"
VERSIONED_BUCKET: Final = "uploads-test-versioned"
RECORDS_TABLE: Final = "uploads-records"
IDEMPOTENCY_TABLE: Final = "uploads-idempotency"
TOPIC_NAME: Final = "uploads-events"
TOPIC_ARN: Final = f"arn:aws:sns:{REGION}:{ACCOUNT}:{TOPIC_NAME}"
METRICS_NAMESPACE: Final = "UploadsTests"
FUNCTION_NAME: Final = "uploads-handler"


#: runtime/uploads/contract.py, the very module the handler imports.
CONTRACT: Final[ModuleType] = load_module("refarch_uploads_contract", UPLOADS_DIR / "contract.py")
HANDLER_MODULE, HANDLER_FUNCTION = CONTRACT.HANDLER.rsplit(".", 1)
RECORDS_PARTITION_KEY: Final = CONTRACT.RECORDS_PARTITION_KEY
IDEMPOTENCY_KEY: Final = CONTRACT.IDEMPOTENCY_KEY


#: The modules of runtime/uploads the handler imports besides the contract, in import order.
HANDLER_SIBLINGS: Final = ("messages", "settings")


def load_handler(name: str) -> ModuleType:
    """runtime/uploads/handler.py executed afresh as ``name``, with fresh copies of the modules it
    imports from its folder (the contract excepted): a cold start in the current environment.
    If the handler fails to load, none of them stays in sys.modules."""
    return load_cold(name, UPLOADS_DIR / f"{HANDLER_MODULE}.py", contract=CONTRACT, siblings=HANDLER_SIBLINGS)


ENV: Final = {
    CONTRACT.ENV_RECORDS_TABLE: RECORDS_TABLE,
    CONTRACT.ENV_IDEMPOTENCY_TABLE: IDEMPOTENCY_TABLE,
    CONTRACT.ENV_EVENT_TOPIC_ARN: TOPIC_ARN,
    CONTRACT.ENV_METRICS_NAMESPACE: METRICS_NAMESPACE,
    CONTRACT.ENV_SERVICE_NAME: "uploads",
    CONTRACT.ENV_LOG_LEVEL: "INFO",
    "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
    **lambda_harness.lambda_environment(REGION),
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(CONTRACT.ENV_IDEMPOTENCY_TTL_SECONDS, raising=False)
    # A developer's own AWS setup must never leak into (or be hit by) the tests.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def uploads_handler(aws_env: None) -> ModuleType:
    """The handler module, loaded once per session with the test environment in place."""
    return sys.modules.get("refarch_uploads_handler") or load_handler("refarch_uploads_handler")


@pytest.fixture
def uploads_messages(uploads_handler: ModuleType) -> ModuleType:
    """runtime/uploads/messages.py, the very module the session's handler imported."""
    return sys.modules[sibling_name(uploads_handler.__name__, "messages")]


# ----------------------------------------------------------------- the AWS resources

# One moto account per test module: starting a mock resets every moto backend, and a new SNS
# backend makes a new signing key, which cost ~0.15 s per test. Each test empties the
# buckets, tables and subscriber queue instead (Pipeline.reset). boto3's default session is
# kept: aws_env pins credentials and region.
_MOTO_CONFIG: Final[DefaultConfig] = {"core": {"reset_boto3_session": False}}
_sequencers = itertools.count(0x0064D3901D00059242)


def next_sequencer() -> str:
    """An S3-like sequencer (hex, upper case), greater than every one before it."""
    return f"{next(_sequencers):018X}"


def object_created(
    bucket: str,
    key: str,
    *,
    etag: str | None,
    sequencer: str,
    version_id: str | None = None,
    size: int = 0,
) -> dict[str, Any]:
    """S3's EventBridge event for a new object (docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html)."""
    obj: dict[str, Any] = {"key": key, "size": size, "sequencer": sequencer}
    if etag is not None:
        obj["etag"] = etag
    if version_id is not None:
        obj["version-id"] = version_id
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": CONTRACT.S3_OBJECT_CREATED,
        "source": CONTRACT.S3_EVENT_SOURCE,
        "account": ACCOUNT,
        "time": "2026-11-02T10:00:00Z",
        "region": REGION,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": ACCOUNT,
            "source-ip-address": "198.51.100.7",
            "reason": "PutObject",
        },
    }


@dataclass
class Pipeline:
    """The resources around the handler, in moto: buckets, both tables, the topic with a queue
    subscribed to read back what was published."""

    s3: Any
    sqs: Any
    records_table: Any
    idempotency_table: Any
    subscriber_url: str
    published_so_far: list[dict[str, Any]] = field(default_factory=list)

    def upload(
        self,
        key: str,
        body: bytes = b"hello",
        *,
        bucket: str = BUCKET,
        content_type: str | None = "text/plain",
        metadata: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Puts an object and returns the event S3 would send for it."""
        extra: dict[str, Any] = {"Metadata": metadata or {}}
        if content_type is not None:
            extra["ContentType"] = content_type
        put = self.s3.put_object(Bucket=bucket, Key=key, Body=body, **extra)
        return object_created(
            bucket,
            key,
            etag=put["ETag"].strip('"'),
            version_id=put.get("VersionId"),
            sequencer=next_sequencer(),
            size=len(body),
        )

    def records(self) -> list[dict[str, Any]]:
        return list(self.records_table.scan(ConsistentRead=True)["Items"])

    def published(self) -> list[dict[str, Any]]:
        """Every SNS notification delivered to the subscribed queue so far (the SNS envelope)."""
        while messages := self.sqs.receive_message(QueueUrl=self.subscriber_url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in messages:
                self.published_so_far.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.subscriber_url, ReceiptHandle=message["ReceiptHandle"])
        return list(self.published_so_far)

    def reset(self) -> None:
        """Back to empty buckets, tables and subscriber queue."""
        for bucket in (BUCKET, VERSIONED_BUCKET):
            listing = self.s3.list_object_versions(Bucket=bucket)
            doomed = [
                {"Key": entry["Key"], "VersionId": entry["VersionId"]}
                for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
            ]
            if doomed:
                self.s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed})
        for table, key in ((self.records_table, RECORDS_PARTITION_KEY), (self.idempotency_table, IDEMPOTENCY_KEY)):
            for item in table.scan(ConsistentRead=True)["Items"]:
                table.delete_item(Key={key: item[key]})
        self.published()  # drains the queue (PurgeQueue may run once a minute only)
        self.published_so_far.clear()


@pytest.fixture(scope="module")
def aws_account() -> Iterator[Pipeline]:
    """The pipeline's resources in a moto account, created once per test module."""
    with mock_aws(config=_MOTO_CONFIG):
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.create_bucket(Bucket=VERSIONED_BUCKET)
        s3.put_bucket_versioning(Bucket=VERSIONED_BUCKET, VersioningConfiguration={"Status": "Enabled"})
        dynamodb = boto3.resource("dynamodb", region_name=REGION)
        for name, key in ((RECORDS_TABLE, RECORDS_PARTITION_KEY), (IDEMPOTENCY_TABLE, IDEMPOTENCY_KEY)):
            dynamodb.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        sns = boto3.client("sns", region_name=REGION)
        assert sns.create_topic(Name=TOPIC_NAME)["TopicArn"] == TOPIC_ARN
        sqs = boto3.client("sqs", region_name=REGION)
        subscriber_url = sqs.create_queue(QueueName="uploads-subscriber")["QueueUrl"]
        subscriber_arn = sqs.get_queue_attributes(QueueUrl=subscriber_url, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=TOPIC_ARN, Protocol="sqs", Endpoint=subscriber_arn["Attributes"]["QueueArn"])
        yield Pipeline(
            s3=s3,
            sqs=sqs,
            records_table=dynamodb.Table(RECORDS_TABLE),
            idempotency_table=dynamodb.Table(IDEMPOTENCY_TABLE),
            subscriber_url=subscriber_url,
        )


@pytest.fixture
def pipeline(aws_account: Pipeline, uploads_handler: ModuleType) -> Pipeline:
    """The resources, emptied for this test."""
    aws_account.reset()
    return aws_account


# ------------------------------------------------------------------------- invoking


def FakeLambdaContext() -> lambda_harness.FakeLambdaContext:  # noqa: N802 - stands for the class
    return lambda_harness.FakeLambdaContext(function_name=FUNCTION_NAME, region=REGION)


BUFFER_QUEUE_ARN: Final = f"arn:aws:sqs:{REGION}:{ACCOUNT}:uploads-buffer"


def sqs_record(body: str, message_id: str | None = None, receipt_handle: str = "handle") -> dict[str, Any]:
    """One record of the event Lambda's SQS event source mapping sends."""
    return lambda_harness.sqs_record(
        body, queue_arn=BUFFER_QUEUE_ARN, region=REGION, message_id=message_id, receipt_handle=receipt_handle
    )


Invoke = Callable[..., dict[str, Any]]


@pytest.fixture
def invoke(uploads_handler: ModuleType) -> Invoke:
    """Calls the real entry point with one SQS batch; a dict body is sent as JSON, a str as it is."""

    def _invoke(*bodies: dict[str, Any] | str) -> dict[str, Any]:
        records = [sqs_record(body if isinstance(body, str) else json.dumps(body)) for body in bodies]
        result: dict[str, Any] = getattr(uploads_handler, HANDLER_FUNCTION)({"Records": records}, FakeLambdaContext())
        return result

    return _invoke


@pytest.fixture
def log_lines(uploads_handler: ModuleType) -> Iterator[LogLines]:
    """The handler's structured log records emitted during the test, parsed (the Logger binds
    its stream at import, so capsys cannot see it; it is pointed at a buffer instead)."""
    yield from capture_logs(uploads_handler)


def emitted_metrics(stdout: str) -> dict[str, float]:
    return lambda_harness.emitted_metrics(stdout, METRICS_NAMESPACE)
