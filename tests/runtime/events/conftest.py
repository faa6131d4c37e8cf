"""Fixtures for the event consumers: environment, both tables in moto, SNS envelopes, invocation.

As for runtime/uploads (see tests/runtime/uploads/conftest.py): nothing puts runtime/events on
sys.path. The contract is loaded by file path once, as ``refarch_events_contract``; each load of
a handler (``event_log`` or ``upload_statistics``, as ``refarch_events_event_log``, say) executes
messages.py, settings.py and consumer.py afresh under the handler's name plus a suffix, and
``sys.modules["contract"]``, ``["messages"]``, ``["settings"]`` and ``["consumer"]`` point at
those modules only while they and the handler are executed. No bytecode is written into
runtime/events, which is the Lambda asset.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final
from unittest import mock

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.config import DefaultConfig

from tests.runtime import lambda_harness
from tests.runtime.contracts import load_cold, load_module, sibling_name
from tests.runtime.lambda_harness import LogLines as LogLines
from tests.runtime.lambda_harness import capture_logs as capture_logs
from tests.runtime.lambda_harness import failed_ids as failed_ids

EVENTS_DIR: Final = Path(__file__).resolve().parents[3] / "runtime" / "events"
REGION: Final = "us-east-1"
ACCOUNT: Final = "123456789012"
EVENT_LOG_TABLE: Final = "events-log"
STATISTICS_TABLE: Final = "events-upload-statistics"
STREAM: Final = "audit"
TOPIC_ARN: Final = f"arn:aws:sns:{REGION}:{ACCOUNT}:domain-events"
METRICS_NAMESPACE: Final = "EventsTests"
FUNCTION_NAME: Final = "events-consumer"
QUEUE_ARN: Final = f"arn:aws:sqs:{REGION}:{ACCOUNT}:events-subscriber"

#: runtime/events/contract.py, the very module the handlers import.
CONTRACT: Final[ModuleType] = load_module("refarch_events_contract", EVENTS_DIR / "contract.py")
#: The modules of runtime/events the handlers import besides the contract, in import order.
HANDLER_SIBLINGS: Final = ("messages", "settings", "consumer")
EVENT_LOG_MODULE, HANDLER_FUNCTION = CONTRACT.EVENT_LOG_HANDLER.rsplit(".", 1)
STATISTICS_MODULE, _ = CONTRACT.UPLOAD_STATISTICS_HANDLER.rsplit(".", 1)


def load_handler(name: str, module: str) -> ModuleType:
    """runtime/events/<module>.py executed afresh as ``name``, with fresh copies of the modules it
    imports from its folder (the contract excepted): a cold start in the current environment.
    If the handler fails to load, none of them stays in sys.modules."""
    return load_cold(name, EVENTS_DIR / f"{module}.py", contract=CONTRACT, siblings=HANDLER_SIBLINGS)


ENV: Final = {
    CONTRACT.ENV_EVENT_LOG_TABLE: EVENT_LOG_TABLE,
    CONTRACT.ENV_EVENT_STREAM: STREAM,
    CONTRACT.ENV_STATISTICS_TABLE: STATISTICS_TABLE,
    CONTRACT.ENV_METRICS_NAMESPACE: METRICS_NAMESPACE,
    CONTRACT.ENV_SERVICE_NAME: "events",
    CONTRACT.ENV_LOG_LEVEL: "INFO",
    "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
    **lambda_harness.lambda_environment(REGION),
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    for name in (CONTRACT.ENV_EVENT_RETENTION_DAYS, CONTRACT.ENV_MARKER_RETENTION_DAYS):
        monkeypatch.delenv(name, raising=False)
    # A developer's own AWS setup must never leak into (or be hit by) the tests.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def event_log(aws_env: None) -> ModuleType:
    """The event log handler module, loaded once per session with the test environment in place."""
    return sys.modules.get("refarch_events_event_log") or load_handler("refarch_events_event_log", EVENT_LOG_MODULE)


@pytest.fixture
def upload_statistics(aws_env: None) -> ModuleType:
    """The upload statistics handler module, loaded once per session likewise."""
    name = "refarch_events_upload_statistics"
    return sys.modules.get(name) or load_handler(name, STATISTICS_MODULE)


@contextmanager
def cold_start(module: str) -> Iterator[ModuleType]:
    """runtime/events/<module>.py imported afresh in the current environment, as a new execution
    environment would; forgotten afterwards, with its own modules, also when the import fails."""
    name = f"refarch_events_{module}_cold_start"
    try:
        yield load_handler(name, module)
    finally:
        for module_name in (name, *(sibling_name(name, sibling) for sibling in HANDLER_SIBLINGS)):
            sys.modules.pop(module_name, None)


# ----------------------------------------------------------------- the AWS resources

# One moto account per test module (see tests/runtime/uploads/conftest.py): each test empties
# the tables instead.
_MOTO_CONFIG: Final[DefaultConfig] = {"core": {"reset_boto3_session": False}}


@dataclass
class Account:
    """Both tables in moto, created from the contract's key names, and a topic with a queue
    subscribed as FanOut subscribes one (SNS envelope), to see what SNS really delivers."""

    event_log: Any
    statistics: Any
    sns: Any
    sqs: Any
    subscriber_url: str
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)

    def items(self, table: Any) -> list[dict[str, Any]]:
        return list(table.scan(ConsistentRead=True)["Items"])

    def delivered(self, message: str, attributes: dict[str, dict[str, Any]] | None = None) -> str:
        """The SQS body SNS delivers for ``message`` published with ``attributes``."""
        self.sns.publish(TopicArn=TOPIC_ARN, Message=message, MessageAttributes=attributes or {})
        [received] = self.sqs.receive_message(QueueUrl=self.subscriber_url, MaxNumberOfMessages=10)["Messages"]
        self.sqs.delete_message(QueueUrl=self.subscriber_url, ReceiptHandle=received["ReceiptHandle"])
        body: str = received["Body"]
        return body

    def reset(self) -> None:
        for table in (self.event_log, self.statistics):
            partition, sort = self.keys[table.name]
            for item in self.items(table):
                table.delete_item(Key={partition: item[partition], sort: item[sort]})


@pytest.fixture(scope="module")
def aws_account() -> Iterator[Account]:
    """The resources in a moto account, created once per test module."""
    with mock_aws(config=_MOTO_CONFIG):
        dynamodb = boto3.resource("dynamodb", region_name=REGION)
        keys = {
            EVENT_LOG_TABLE: (CONTRACT.EVENT_LOG_PARTITION_KEY, CONTRACT.EVENT_LOG_SORT_KEY),
            STATISTICS_TABLE: (CONTRACT.STATISTICS_PARTITION_KEY, CONTRACT.STATISTICS_SORT_KEY),
        }
        for name, (partition, sort) in keys.items():
            dynamodb.create_table(
                TableName=name,
                KeySchema=[
                    {"AttributeName": partition, "KeyType": "HASH"},
                    {"AttributeName": sort, "KeyType": "RANGE"},
                ],
                AttributeDefinitions=[
                    {"AttributeName": partition, "AttributeType": CONTRACT.KEY_ATTRIBUTE_TYPE},
                    {"AttributeName": sort, "AttributeType": CONTRACT.KEY_ATTRIBUTE_TYPE},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        sns = boto3.client("sns", region_name=REGION)
        assert sns.create_topic(Name=TOPIC_ARN.rsplit(":", 1)[1])["TopicArn"] == TOPIC_ARN
        sqs = boto3.client("sqs", region_name=REGION)
        subscriber_url = sqs.create_queue(QueueName=QUEUE_ARN.rsplit(":", 1)[1])["QueueUrl"]
        sns.subscribe(
            TopicArn=TOPIC_ARN, Protocol="sqs", Endpoint=QUEUE_ARN, Attributes={"RawMessageDelivery": "false"}
        )
        yield Account(
            event_log=dynamodb.Table(EVENT_LOG_TABLE),
            statistics=dynamodb.Table(STATISTICS_TABLE),
            sns=sns,
            sqs=sqs,
            subscriber_url=subscriber_url,
            keys=keys,
        )


@pytest.fixture
def account(aws_account: Account) -> Account:
    """The resources, with both tables emptied for this test."""
    aws_account.reset()
    return aws_account


# ------------------------------------------------------------------------ messages


def envelope(
    message: str | dict[str, Any],
    *,
    attributes: dict[str, str | tuple[str, str]] | None = None,
    timestamp: str = "2026-11-02T10:00:00.123Z",
    message_id: str | None = None,
    topic_arn: str = TOPIC_ARN,
) -> dict[str, Any]:
    """The SNS notification as an SQS subscription without raw message delivery receives it
    (docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html). A dict message is
    sent as JSON; an attribute is a String value or a (Type, Value) pair."""
    body: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": message_id or str(uuid.uuid4()),
        "TopicArn": topic_arn,
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": timestamp,
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkk=",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        "UnsubscribeURL": f"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:1",
    }
    if attributes:
        body["MessageAttributes"] = {
            name: {"Type": "String", "Value": value}
            if isinstance(value, str)
            else {"Type": value[0], "Value": value[1]}
            for name, value in attributes.items()
        }
    return body


def upload_record(**changes: Any) -> dict[str, Any]:
    """The upload pipeline's message (runtime/uploads' ``UploadRecord``), as it publishes it."""
    record = {
        "object_id": "s3://uploads/inbox/report.csv",
        "bucket": "uploads",
        "key": "inbox/report.csv",
        "version_id": None,
        "size": 8,
        "etag": "b1946ac92492d2347c6235b4d2611184",
        "content_type": "text/csv",
        "metadata": {"owner": "ann"},
        "last_modified": "2026-11-02T10:00:00.000Z",
        "event_id": str(uuid.uuid4()),
        "event_time": "2026-11-02T10:00:00Z",
        "reason": "PutObject",
        "sequencer": "0064D3901D00059242",
        "processed_at": "2026-11-02T10:00:01.234Z",
    }
    return {**record, **changes}


def upload_processed(record: dict[str, Any] | None = None, **envelope_options: Any) -> dict[str, Any]:
    """``record`` (a new upload_record() by default) as the upload pipeline's topic delivers it."""
    record = record or upload_record()
    attributes = {
        CONTRACT.EVENT_TYPE_ATTRIBUTE: CONTRACT.UPLOAD_PROCESSED_EVENT_TYPE,
        "content_type": str(record.get("content_type")),
    }
    return envelope(json.dumps(record, sort_keys=True), **{"attributes": attributes, **envelope_options})


# ------------------------------------------------------------------------- invoking


def FakeLambdaContext() -> lambda_harness.FakeLambdaContext:  # noqa: N802 - stands for the class
    return lambda_harness.FakeLambdaContext(function_name=FUNCTION_NAME, region=REGION)


def sqs_record(body: str, message_id: str | None = None, receipt_handle: str = "handle") -> dict[str, Any]:
    """One record of the event Lambda's SQS event source mapping sends."""
    return lambda_harness.sqs_record(
        body, queue_arn=QUEUE_ARN, region=REGION, message_id=message_id, receipt_handle=receipt_handle
    )


Invoke = Callable[..., dict[str, Any]]


def invoker(module: ModuleType) -> Invoke:
    """Calls the module's real entry point with one SQS batch; a dict body is sent as JSON, a
    str as it is."""

    def _invoke(*bodies: dict[str, Any] | str) -> dict[str, Any]:
        records = [sqs_record(body if isinstance(body, str) else json.dumps(body)) for body in bodies]
        result: dict[str, Any] = getattr(module, HANDLER_FUNCTION)({"Records": records}, FakeLambdaContext())
        return result

    return _invoke


def emitted_metrics(stdout: str) -> dict[str, float]:
    return lambda_harness.emitted_metrics(stdout, METRICS_NAMESPACE)


@contextmanager
def throttled(client: Any, operation: str) -> Iterator[list[int]]:
    """Every ``operation`` call of ``client`` answers ThrottlingException meanwhile, and
    botocore's backoff does not sleep; yields the attempt numbers as they are sent."""
    attempts: list[int] = []

    class Body(io.BytesIO):
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self.getvalue()

    def refuse(request: Any, **_: Any) -> AWSResponse:
        attempts.append(len(attempts) + 1)
        body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow down"})
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, Body(body.encode()))

    event = f"before-send.dynamodb.{operation}"
    moto_sends = BotocoreStubber.__call__

    def moto_sends_all_but_the_throttled(stubber: BotocoreStubber, event_name: str, **kwargs: Any) -> Any:
        # The emitter calls every before-send handler: moto must not execute the refused call.
        return None if event_name == event else moto_sends(stubber, event_name, **kwargs)

    client.meta.events.register_first(event, refuse, unique_id="refarch-throttled")
    try:
        with (
            mock.patch.object(BotocoreStubber, "__call__", moto_sends_all_but_the_throttled),
            mock.patch("botocore.endpoint.time.sleep"),
        ):
            yield attempts
    finally:
        client.meta.events.unregister(event, unique_id="refarch-throttled")
