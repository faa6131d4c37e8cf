"""Behaviour of the upload Lambda through its real entry point, against S3, DynamoDB, SNS and SQS in moto."""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.runtime.uploads.conftest import (
    BUCKET,
    CONTRACT,
    HANDLER_SIBLINGS,
    UPLOADS_DIR,
    VERSIONED_BUCKET,
    FakeLambdaContext,
    Invoke,
    LogLines,
    Pipeline,
    emitted_metrics,
    failed_ids,
    load_handler,
    object_created,
    sibling_name,
    sqs_record,
)

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
NOTHING_FAILED = {"batchItemFailures": []}


@pytest.fixture
def api_calls(uploads_handler: ModuleType) -> Iterator[Counter[str]]:
    """How often the handler called HeadObject, PutItem (records table) and Publish."""
    calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    emitters = [
        uploads_handler.s3.meta.events,
        uploads_handler.sns.meta.events,
        uploads_handler.records_table.meta.client.meta.events,
    ]
    for emitter in emitters:
        emitter.register("before-call", count, unique_id="count-api-calls")
    yield calls
    for emitter in emitters:
        emitter.unregister("before-call", unique_id="count-api-calls")


def notification(published: dict[str, Any]) -> dict[str, Any]:
    """The handler's message in an SNS notification, JSON-decoded."""
    message: dict[str, Any] = json.loads(published["Message"])
    return message


# ------------------------------------------------------------------- a new object


def test_a_new_object_is_recorded_and_announced(pipeline: Pipeline, invoke: Invoke) -> None:
    event = pipeline.upload("inbox/report.csv", b"a,b\n1,2\n", content_type="text/csv", metadata={"owner": "ann"})

    response = invoke(event)

    assert response == NOTHING_FAILED
    [record] = pipeline.records()
    assert ISO_UTC.fullmatch(record["last_modified"]) and ISO_UTC.fullmatch(record["processed_at"])
    expected = {
        "object_id": f"s3://{BUCKET}/inbox/report.csv",
        "bucket": BUCKET,
        "key": "inbox/report.csv",
        "version_id": None,
        "size": 8,
        "etag": event["detail"]["object"]["etag"],
        "content_type": "text/csv",
        "metadata": {"owner": "ann"},
        "last_modified": record["last_modified"],
        "event_id": event["id"],
        "event_time": event["time"],
        "reason": "PutObject",
        "sequencer": event["detail"]["object"]["sequencer"],
        "processed_at": record["processed_at"],
    }
    assert record == {**expected, "size": Decimal(8), "sequencer_key": "0" * 46 + expected["sequencer"]}
    assert set(expected) == set(CONTRACT.UploadRecord.__annotations__)

    [published] = pipeline.published()
    assert notification(published) == expected
    assert published["MessageAttributes"] == {
        CONTRACT.EVENT_TYPE_ATTRIBUTE: {"Type": "String", "Value": CONTRACT.EVENT_TYPE},
        CONTRACT.CONTENT_TYPE_ATTRIBUTE: {"Type": "String", "Value": "text/csv"},
    }


def test_a_processed_object_counts_in_the_metrics(
    pipeline: Pipeline, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(pipeline.upload("a.txt"), pipeline.upload("b.txt"))

    found = emitted_metrics(capsys.readouterr().out)

    assert found.get(CONTRACT.METRIC_OBJECTS_PROCESSED) == 2
    assert CONTRACT.METRIC_FAILED_MESSAGES not in found


def test_a_versioned_object_is_read_and_recorded_at_its_version(pipeline: Pipeline, invoke: Invoke) -> None:
    first = pipeline.upload("doc.txt", b"one", bucket=VERSIONED_BUCKET)
    pipeline.upload("doc.txt", b"two!", bucket=VERSIONED_BUCKET)  # a newer version, not yet processed

    assert invoke(first) == NOTHING_FAILED

    [record] = pipeline.records()
    assert record["version_id"] == first["detail"]["object"]["version-id"]
    assert record["size"] == 3  # the announced version, not the current one
    assert notification(pipeline.published()[0])["version_id"] == record["version_id"]


@pytest.mark.parametrize("key", ["a b+c.txt", "100%25 sure.txt", "dir/ünïcode €.bin", "x=1&y=2;z"])
def test_the_key_is_used_as_s3_stores_it_not_url_decoded(pipeline: Pipeline, invoke: Invoke, key: str) -> None:
    # S3's EventBridge events carry the key as stored; decoding "+" or "%25" would name another object.
    assert invoke(pipeline.upload(key)) == NOTHING_FAILED

    [record] = pipeline.records()
    assert (record["key"], record["object_id"]) == (key, f"s3://{BUCKET}/{key}")


def test_an_object_without_a_content_type_is_announced_as_s3_s_default(
    pipeline: Pipeline, invoke: Invoke, uploads_handler: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = pipeline.upload("blob")
    head_object = uploads_handler.s3.head_object

    def head_without_content_type(**request: Any) -> dict[str, Any]:
        response: dict[str, Any] = head_object(**request)
        response.pop("ContentType", None)
        return response

    monkeypatch.setattr(uploads_handler.s3, "head_object", head_without_content_type)

    assert invoke(event) == NOTHING_FAILED

    [published] = pipeline.published()
    assert published["MessageAttributes"][CONTRACT.CONTENT_TYPE_ATTRIBUTE]["Value"] == "binary/octet-stream"


def test_the_logs_carry_the_message_the_event_and_the_object(
    pipeline: Pipeline, invoke: Invoke, log_lines: LogLines
) -> None:
    event = pipeline.upload("logged.txt")

    invoke(event)

    [line] = [line for line in log_lines() if line["message"] == "object processed"]
    assert line["correlation_id"] == event["id"]
    assert line["object_id"] == f"s3://{BUCKET}/logged.txt"
    assert line["sequencer"] == event["detail"]["object"]["sequencer"]
    assert line["message_id"] and line["function_name"] == "uploads-handler"


# -------------------------------------------------------------------- duplicates


def test_the_same_event_twice_in_one_batch_is_processed_once(
    pipeline: Pipeline, invoke: Invoke, api_calls: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    event = pipeline.upload("twice.txt")

    assert invoke(event, event) == NOTHING_FAILED

    assert (api_calls["HeadObject"], api_calls["PutItem"], api_calls["Publish"]) == (1, 1, 1)
    assert len(pipeline.published()) == 1
    assert emitted_metrics(capsys.readouterr().out).get(CONTRACT.METRIC_DUPLICATE_EVENTS) == 1


def test_the_same_event_in_a_second_invocation_is_not_processed_again(
    pipeline: Pipeline, invoke: Invoke, api_calls: Counter[str]
) -> None:
    event = pipeline.upload("again.txt")
    invoke(event)
    [first] = pipeline.records()

    assert invoke(event) == NOTHING_FAILED

    assert (api_calls["HeadObject"], api_calls["PutItem"], api_calls["Publish"]) == (1, 1, 1)
    assert pipeline.records() == [first]  # processed_at unchanged: not written again
    assert len(pipeline.published()) == 1


def test_the_idempotency_record_is_keyed_and_expires_as_the_contract_says(pipeline: Pipeline, invoke: Invoke) -> None:
    before = time.time()
    invoke(pipeline.upload("kept.txt"))

    [entry] = pipeline.idempotency_table.scan()["Items"]
    assert set(entry) >= {CONTRACT.IDEMPOTENCY_KEY, CONTRACT.IDEMPOTENCY_EXPIRY}
    expiry = int(entry[CONTRACT.IDEMPOTENCY_EXPIRY])
    assert (
        before + CONTRACT.DEFAULT_IDEMPOTENCY_TTL_SECONDS - 5
        <= expiry
        <= time.time() + CONTRACT.DEFAULT_IDEMPOTENCY_TTL_SECONDS + 5
    )
    assert entry["status"] == "COMPLETED"


# --------------------------------------------------------------------- ordering


def _event_for(pipeline: Pipeline, key: str, sequencer: str, **kwargs: Any) -> dict[str, Any]:
    head = pipeline.s3.head_object(Bucket=BUCKET, Key=key)
    return object_created(BUCKET, key, etag=head["ETag"].strip('"'), sequencer=sequencer, **kwargs)


def test_an_older_version_after_a_newer_one_changes_nothing(
    pipeline: Pipeline, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    older = pipeline.upload("v.txt", b"old", bucket=VERSIONED_BUCKET)
    newer = pipeline.upload("v.txt", b"newer", bucket=VERSIONED_BUCKET)
    invoke(newer)
    [stored] = pipeline.records()
    capsys.readouterr()

    assert invoke(older) == NOTHING_FAILED  # consumed, not retried

    assert pipeline.records() == [stored]
    assert stored["version_id"] == newer["detail"]["object"]["version-id"]
    # Only the newer event is announced: announcing the older one would contradict the table.
    assert [notification(p)["event_id"] for p in pipeline.published()] == [newer["id"]]
    assert emitted_metrics(capsys.readouterr().out).get(CONTRACT.METRIC_STALE_EVENTS) == 1


# S3: "left-pad the shorter [sequencer] with zeros, then compare": "FF" is older than "0100".
@pytest.mark.parametrize(("older", "newer"), [("FF", "0100"), ("ff", "0100"), ("0064D39", "64D3A"), ("9", "a")])
def test_sequencers_compare_as_s3_documents(pipeline: Pipeline, invoke: Invoke, older: str, newer: str) -> None:
    pipeline.s3.put_object(Bucket=BUCKET, Key="s.txt", Body=b"same")
    old_event = _event_for(pipeline, "s.txt", older)
    new_event = _event_for(pipeline, "s.txt", newer)

    invoke(new_event)
    invoke(old_event)

    [record] = pipeline.records()
    assert record["event_id"] == new_event["id"]


def test_a_newer_event_replaces_the_record(pipeline: Pipeline, invoke: Invoke) -> None:
    pipeline.s3.put_object(Bucket=BUCKET, Key="r.txt", Body=b"same")
    old_event, new_event = _event_for(pipeline, "r.txt", "FF"), _event_for(pipeline, "r.txt", "0100")

    invoke(old_event)
    invoke(new_event)

    [record] = pipeline.records()
    assert record["event_id"] == new_event["id"]
    assert len(pipeline.published()) == 2


def test_another_event_with_the_same_sequencer_does_not_overwrite(pipeline: Pipeline, invoke: Invoke) -> None:
    pipeline.s3.put_object(Bucket=BUCKET, Key="e.txt", Body=b"same")
    first, second = _event_for(pipeline, "e.txt", "0A"), _event_for(pipeline, "e.txt", "0A")

    invoke(first)
    assert invoke(second) == NOTHING_FAILED

    assert [record["event_id"] for record in pipeline.records()] == [first["id"]]
    assert len(pipeline.published()) == 1


def test_sequencer_keys_order_as_the_sequencers_hex_values(uploads_messages: ModuleType) -> None:
    sequencers = ["0", "9", "0a", "FF", "0100", "64D3901D00059242", "0064D3901D00059243", "F" * 64]
    keys = [uploads_messages.sequencer_key(s) for s in sequencers]

    assert sorted(keys) == keys
    assert keys == sorted(keys, key=lambda k: int(k, 16))
    assert {len(k) for k in keys} == {uploads_messages.SEQUENCER_WIDTH}


# ------------------------------------------------------------ objects gone before processing


def _assert_consumed_silently(pipeline: Pipeline, response: dict[str, Any], stdout: str) -> None:
    assert response == NOTHING_FAILED
    assert pipeline.records() == []
    assert pipeline.published() == []
    assert emitted_metrics(stdout).get(CONTRACT.METRIC_OBJECTS_MISSING) == 1


def test_a_deleted_object_is_consumed_without_record_or_event(
    pipeline: Pipeline, invoke: Invoke, log_lines: LogLines, capsys: pytest.CaptureFixture[str]
) -> None:
    event = pipeline.upload("gone.txt")
    pipeline.s3.delete_object(Bucket=BUCKET, Key="gone.txt")

    response = invoke(event)

    _assert_consumed_silently(pipeline, response, capsys.readouterr().out)
    assert [line["gone"] for line in log_lines() if "gone" in line] == ["deleted"]


def test_a_deleted_version_is_consumed_without_record_or_event(
    pipeline: Pipeline, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    event = pipeline.upload("gone.txt", bucket=VERSIONED_BUCKET)
    version = event["detail"]["object"]["version-id"]
    pipeline.s3.delete_object(Bucket=VERSIONED_BUCKET, Key="gone.txt", VersionId=version)

    _assert_consumed_silently(pipeline, invoke(event), capsys.readouterr().out)


def test_an_object_overwritten_in_an_unversioned_bucket_is_consumed_and_the_newer_one_recorded(
    pipeline: Pipeline, invoke: Invoke, log_lines: LogLines, capsys: pytest.CaptureFixture[str]
) -> None:
    older = pipeline.upload("over.txt", b"first")
    newer = pipeline.upload("over.txt", b"second")

    _assert_consumed_silently(pipeline, invoke(older), capsys.readouterr().out)
    assert [line["gone"] for line in log_lines() if "gone" in line] == ["overwritten"]

    assert invoke(newer) == NOTHING_FAILED
    [record] = pipeline.records()
    assert (record["event_id"], record["size"]) == (newer["id"], 6)


# ---------------------------------------------------------------- poison messages


def _valid_body() -> dict[str, Any]:
    return object_created(BUCKET, "k", etag="e", sequencer="0A")


def _without(path: str) -> dict[str, Any]:
    body = _valid_body()
    *parents, name = path.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    del target[name]
    return body


def _with(path: str, value: Any) -> dict[str, Any]:
    body = _valid_body()
    *parents, name = path.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    target[name] = value
    return body


POISON = {
    "not JSON": "this is not json",
    "truncated JSON": '{"id": "x", ',
    "a JSON array": "[1, 2]",
    "an Object Deleted event": _with("detail-type", "Object Deleted"),
    "another source": _with("source", "my.app"),
    "an S3 notification": {"Records": [{"eventSource": "aws:s3", "s3": {"object": {"key": "k"}}}]},
    "no id": _without("id"),
    "no bucket": _without("detail.bucket"),
    "no key": _without("detail.object.key"),
    "an empty key": _with("detail.object.key", ""),
    "a numeric key": _with("detail.object.key", 42),
    "no sequencer": _without("detail.object.sequencer"),
    "a sequencer that is not hex": _with("detail.object.sequencer", "0XYZ"),
    "a sequencer longer than 64": _with("detail.object.sequencer", "1" * 65),
    "no time": _without("time"),
    "a time that is no timestamp": _with("time", "yesterday"),
    "a numeric version id": _with("detail.object.version-id", 7),
}


@pytest.mark.parametrize("body", POISON.values(), ids=POISON.keys())
def test_a_poison_message_is_reported_as_a_batch_item_failure(
    pipeline: Pipeline, invoke: Invoke, capsys: pytest.CaptureFixture[str], body: dict[str, Any] | str
) -> None:
    response = invoke(body)

    assert len(failed_ids(response)) == 1
    assert pipeline.records() == [] and pipeline.published() == []
    found = emitted_metrics(capsys.readouterr().out)
    assert found.get(CONTRACT.METRIC_INVALID_MESSAGES) == found.get(CONTRACT.METRIC_FAILED_MESSAGES) == 1


def test_a_poison_message_says_what_is_wrong(invoke: Invoke, pipeline: Pipeline, log_lines: LogLines) -> None:
    invoke(_with("detail.object.sequencer", "0XYZ"))

    [problem] = [line["problem"] for line in log_lines() if "problem" in line]
    assert problem == "detail.object.sequencer is not 1-64 hex digits: '0XYZ'"


def test_a_mixed_batch_reports_only_the_poison_message(
    pipeline: Pipeline, uploads_handler: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    good = pipeline.upload("good.txt")
    missing = pipeline.upload("missing.txt")
    pipeline.s3.delete_object(Bucket=BUCKET, Key="missing.txt")
    records = [
        sqs_record(json.dumps(good), "good"),
        sqs_record("not json", "poison"),
        sqs_record(json.dumps(missing), "missing"),
    ]

    response = uploads_handler.handler({"Records": records}, FakeLambdaContext())

    assert response == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert [record["key"] for record in pipeline.records()] == ["good.txt"]
    assert [notification(p)["key"] for p in pipeline.published()] == ["good.txt"]
    found = emitted_metrics(capsys.readouterr().out)
    assert [found.get(name) for name in ("ObjectsProcessed", "ObjectsMissing", "InvalidMessages")] == [1, 1, 1]


def test_a_poison_message_ends_in_the_dead_letter_queue(pipeline: Pipeline, uploads_handler: ModuleType) -> None:
    """The buffer queue as the stack wires it: a redrive policy to a DLQ, consumed the way
    Lambda's event source mapping with ReportBatchItemFailures does."""
    sqs = pipeline.sqs
    dlq_url = sqs.create_queue(QueueName="uploads-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    buffer_url = sqs.create_queue(QueueName="uploads-buffer", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    good = pipeline.upload("good.txt")
    sqs.send_message(QueueUrl=buffer_url, MessageBody="not an event")
    sqs.send_message(QueueUrl=buffer_url, MessageBody=json.dumps(good))

    invocations = []
    while messages := sqs.receive_message(QueueUrl=buffer_url, MaxNumberOfMessages=10).get("Messages", []):
        batch = [sqs_record(m["Body"], m["MessageId"], m["ReceiptHandle"]) for m in messages]
        response = uploads_handler.handler({"Records": batch}, FakeLambdaContext())
        invocations.append(response)
        failed = set(failed_ids(response))
        for message in messages:
            if message["MessageId"] in failed:
                # The visibility timeout running out, without the wait.
                sqs.change_message_visibility(
                    QueueUrl=buffer_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                sqs.delete_message(QueueUrl=buffer_url, ReceiptHandle=message["ReceiptHandle"])

    assert len(invocations) == 2  # delivered maxReceiveCount times, then moved
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [message["Body"] for message in dead] == ["not an event"]
    assert [record["key"] for record in pipeline.records()] == ["good.txt"]


# ------------------------------------------------------------------------ failures


@pytest.mark.parametrize(("code", "status"), [("AccessDenied", 403), ("SlowDown", 503), ("InternalError", 500)])
def test_other_s3_errors_fail_the_message_and_a_later_delivery_processes_it(
    pipeline: Pipeline,
    invoke: Invoke,
    uploads_handler: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: str,
    status: int,
) -> None:
    event = pipeline.upload("denied.txt")

    def refuse(**_: Any) -> dict[str, Any]:
        error = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
        raise ClientError(error, "HeadObject")  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(uploads_handler.s3, "head_object", refuse)
        assert len(failed_ids(invoke(event))) == 1

    assert pipeline.records() == [] and pipeline.published() == []
    assert emitted_metrics(capsys.readouterr().out).get(CONTRACT.METRIC_FAILED_MESSAGES) == 1
    # The failed attempt left no in-progress mark behind: the retry does the work.
    assert invoke(event) == NOTHING_FAILED
    assert len(pipeline.records()) == 1 and len(pipeline.published()) == 1


def test_a_failed_publish_is_retried_and_announced_once(
    pipeline: Pipeline, invoke: Invoke, uploads_handler: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = pipeline.upload("flaky.txt")

    def unavailable(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "try again"}}, "Publish")

    with monkeypatch.context() as patch:
        patch.setattr(uploads_handler.sns, "publish", unavailable)
        assert len(failed_ids(invoke(event))) == 1
    assert len(pipeline.records()) == 1  # written before the publish failed

    assert invoke(event) == NOTHING_FAILED  # the same event may write its own record again

    [record] = pipeline.records()
    [published] = pipeline.published()
    assert notification(published)["processed_at"] == record["processed_at"]


# -------------------------------------------------------------------- configuration

REQUIRED = [
    CONTRACT.ENV_RECORDS_TABLE,
    CONTRACT.ENV_IDEMPOTENCY_TABLE,
    CONTRACT.ENV_EVENT_TOPIC_ARN,
    CONTRACT.ENV_METRICS_NAMESPACE,
]


@pytest.fixture
def cold_start() -> Iterator[Callable[[], ModuleType]]:
    """Imports the handler afresh, as a new execution environment would, in the current environment."""
    name = "refarch_uploads_handler_cold_start"

    def _load() -> ModuleType:
        return load_handler(name)

    yield _load
    for module_name in (name, *(sibling_name(name, sibling) for sibling in HANDLER_SIBLINGS)):
        sys.modules.pop(module_name, None)


@pytest.mark.parametrize("name", REQUIRED)
@pytest.mark.parametrize("unset", [None, "  "], ids=["unset", "blank"])
def test_a_missing_variable_stops_the_cold_start(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch, name: str, unset: str | None
) -> None:
    if unset is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, unset)

    with pytest.raises(
        RuntimeError, match=re.escape(f"the upload handler needs the environment variable(s) {name}: not set")
    ):
        cold_start()


def test_every_missing_variable_is_named_at_once(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in REQUIRED:
        monkeypatch.delenv(name)

    with pytest.raises(RuntimeError, match=re.escape(f"environment variable(s) {', '.join(REQUIRED)}: not set")):
        cold_start()


@pytest.mark.parametrize(
    "arn", ["arn:aws:sns:us-east-1:123456789012:uploads.fifo", "uploads-events", "arn:aws:sqs:us-east-1:123456789012:q"]
)
def test_only_a_standard_topic_is_accepted(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch, arn: str
) -> None:
    monkeypatch.setenv(CONTRACT.ENV_EVENT_TOPIC_ARN, arn)

    with pytest.raises(
        RuntimeError, match=re.escape(f"EVENT_TOPIC_ARN ({arn!r}) must be the ARN of a standard SNS topic")
    ):
        cold_start()


@pytest.mark.parametrize("ttl", ["0", "-60", "1.5", "1e3", "one day", "٣"])
def test_a_malformed_ttl_stops_the_cold_start(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch, ttl: str
) -> None:
    monkeypatch.setenv(CONTRACT.ENV_IDEMPOTENCY_TTL_SECONDS, ttl)

    with pytest.raises(
        RuntimeError, match=re.escape(f"IDEMPOTENCY_TTL_SECONDS ({ttl!r}) must be a whole number of seconds >= 1")
    ):
        cold_start()


def test_the_ttl_comes_from_the_environment(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch, uploads_handler: ModuleType
) -> None:
    monkeypatch.setenv(CONTRACT.ENV_IDEMPOTENCY_TTL_SECONDS, "3600")

    assert cold_start().idempotency_config.expires_after_seconds == 3600
    assert uploads_handler.idempotency_config.expires_after_seconds == CONTRACT.DEFAULT_IDEMPOTENCY_TTL_SECONDS


def test_a_cold_start_loads_the_handler_s_own_modules_and_puts_sys_modules_back(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = {alias: ModuleType(f"another_{alias}") for alias in ("contract", *HANDLER_SIBLINGS)}
    for alias, module in elsewhere.items():
        monkeypatch.setitem(sys.modules, alias, module)

    handler = cold_start()

    assert {alias: sys.modules[alias] for alias in elsewhere} == elsewhere
    assert handler.UploadRecord is CONTRACT.UploadRecord
    assert handler.parse_object_created.__module__ == sibling_name(handler.__name__, "messages")
    assert handler.load_settings.__module__ == sibling_name(handler.__name__, "settings")
    # contract.py is left out: the CDK app loads it too (stacks/contracts.py), outside these tests.
    assert sorted(path.name for path in UPLOADS_DIR.rglob("*.pyc") if not path.name.startswith("contract.")) == []


def test_a_failed_cold_start_leaves_none_of_its_modules_behind(
    cold_start: Callable[[], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    for alias in ("contract", *HANDLER_SIBLINGS):
        monkeypatch.delitem(sys.modules, alias, raising=False)
    monkeypatch.delenv(CONTRACT.ENV_RECORDS_TABLE)

    with pytest.raises(RuntimeError):
        cold_start()

    left = [name for name in sys.modules if name.startswith("refarch_uploads_handler_cold_start")]
    assert left == []
    assert not {"contract", *HANDLER_SIBLINGS} & set(sys.modules)
