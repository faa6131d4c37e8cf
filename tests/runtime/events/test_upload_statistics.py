"""Behaviour of the upload statistics Lambda through its real entry point, against DynamoDB (and SNS/SQS) in moto."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.runtime.events.conftest import (
    CONTRACT,
    STATISTICS_MODULE,
    Account,
    FakeLambdaContext,
    Invoke,
    LogLines,
    capture_logs,
    cold_start,
    emitted_metrics,
    envelope,
    failed_ids,
    invoker,
    sqs_record,
    throttled,
    upload_processed,
    upload_record,
)

NOTHING_FAILED = {"batchItemFailures": []}
DAY = 86_400
TOTAL = f"content_type#{CONTRACT.STATISTICS_ALL_CONTENT_TYPES}"


@pytest.fixture
def invoke(upload_statistics: ModuleType) -> Invoke:
    return invoker(upload_statistics)


@pytest.fixture
def log_lines(upload_statistics: ModuleType) -> Iterator[LogLines]:
    yield from capture_logs(upload_statistics)


def counters(account: Account) -> dict[tuple[str, str], tuple[int, int, str]]:
    """(pk, sk) -> (uploads, bytes, last_upload_at) of every counter item."""
    return {
        (item["pk"], item["sk"]): (int(item["uploads"]), int(item["bytes"]), item["last_upload_at"])
        for item in account.items(account.statistics)
        if item["sk"] != CONTRACT.STATISTICS_MARKER_SORT_KEY
    }


def markers(account: Account) -> list[dict[str, Any]]:
    return [item for item in account.items(account.statistics) if item["sk"] == CONTRACT.STATISTICS_MARKER_SORT_KEY]


# ---------------------------------------------------------------------- counted uploads


def test_an_upload_is_counted_under_its_day_and_media_type_and_in_the_day_s_total(
    account: Account, invoke: Invoke
) -> None:
    record = upload_record(size=8, content_type="text/csv", event_time="2026-11-02T10:00:00Z")
    body = upload_processed(record)
    before = int(time.time())

    assert invoke(body) == NOTHING_FAILED

    assert counters(account) == {
        ("day#2026-11-02", "content_type#text/csv"): (1, 8, "2026-11-02T10:00:00.000Z"),
        ("day#2026-11-02", TOTAL): (1, 8, "2026-11-02T10:00:00.000Z"),
    }
    [marker] = markers(account)
    assert marker["pk"] == f"upload#{record['event_id']}" and marker["message_id"] == body["MessageId"]
    retention = CONTRACT.DEFAULT_MARKER_RETENTION_DAYS * DAY
    assert before + retention <= marker["expires_at"] <= int(time.time()) + retention
    assert set(marker) == set(CONTRACT.UploadMarker.__annotations__)
    counter = next(item for item in account.items(account.statistics) if item["sk"] == TOTAL)
    assert set(counter) == set(CONTRACT.UploadStatistics.__annotations__)


def test_a_day_adds_up_per_media_type_and_in_total(account: Account, invoke: Invoke, capsys: Any) -> None:
    bodies = [
        upload_processed(upload_record(size=8, content_type="text/csv", event_time="2026-11-02T08:00:00Z")),
        upload_processed(upload_record(size=100, content_type="image/png", event_time="2026-11-02T09:00:00Z")),
        upload_processed(upload_record(size=2, content_type="Text/CSV; charset=utf-8", event_time="2026-11-02T07:00Z")),
    ]

    assert invoke(*bodies) == NOTHING_FAILED

    assert counters(account) == {
        ("day#2026-11-02", "content_type#text/csv"): (2, 10, "2026-11-02T07:00:00.000Z"),  # the one counted last
        ("day#2026-11-02", "content_type#image/png"): (1, 100, "2026-11-02T09:00:00.000Z"),
        ("day#2026-11-02", TOTAL): (3, 110, "2026-11-02T07:00:00.000Z"),
    }
    assert emitted_metrics(capsys.readouterr().out).get(CONTRACT.METRIC_UPLOADS_COUNTED) == 3


@pytest.mark.parametrize(
    ("changes", "counted_as"),
    [
        ({"version_id": None}, ("text/csv", 8)),  # an unversioned bucket
        ({"version_id": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"}, ("text/csv", 8)),
        ({"size": 0}, ("text/csv", 0)),  # an empty object is an upload
        ({"content_type": "binary/octet-stream"}, ("binary/octet-stream", 8)),  # S3's default
        ({"content_type": "*"}, (CONTRACT.STATISTICS_OTHER_CONTENT_TYPE, 8)),  # never the total's item
        ({"content_type": "*/*"}, (CONTRACT.STATISTICS_OTHER_CONTENT_TYPE, 8)),
        ({"content_type": "not a media type"}, (CONTRACT.STATISTICS_OTHER_CONTENT_TYPE, 8)),
        ({"content_type": "text/" + "x" * 200}, (CONTRACT.STATISTICS_OTHER_CONTENT_TYPE, 8)),
    ],
    ids=["unversioned", "versioned", "empty", "default-type", "star", "star-star", "no-media-type", "too-long"],
)
def test_every_kind_of_upload_record_is_counted(
    account: Account, invoke: Invoke, changes: dict[str, Any], counted_as: tuple[str, int]
) -> None:
    assert invoke(upload_processed(upload_record(**changes))) == NOTHING_FAILED

    content_type, size = counted_as
    assert counters(account) == {
        ("day#2026-11-02", f"content_type#{content_type}"): (1, size, "2026-11-02T10:00:00.000Z"),
        ("day#2026-11-02", TOTAL): (1, size, "2026-11-02T10:00:00.000Z"),
    }


def test_the_day_is_the_utc_day_of_the_upload_s_event_time(account: Account, invoke: Invoke) -> None:
    invoke(
        upload_processed(upload_record(event_time="2026-11-02T23:59:59.999Z")),
        upload_processed(upload_record(event_time="2026-11-03T00:00:00Z")),
        upload_processed(upload_record(event_time="2026-11-03T00:30:00+01:00")),  # 23:30 UTC on the 2nd
        # The SNS timestamp is not the upload's time: a late delivery still counts on the upload's day.
        upload_processed(upload_record(event_time="2026-11-02T12:00:00Z"), timestamp="2026-11-04T00:00:01.000Z"),
    )

    totals = {pk: uploads for (pk, sk), (uploads, _, _) in counters(account).items() if sk == TOTAL}
    assert totals == {"day#2026-11-02": 3, "day#2026-11-03": 1}


def test_what_sns_delivers_is_counted(account: Account, invoke: Invoke) -> None:
    """The envelope of moto's SNS, with the attributes the upload pipeline publishes."""
    body = account.delivered(
        json.dumps(upload_record(size=5, content_type="image/jpeg"), sort_keys=True),
        {
            CONTRACT.EVENT_TYPE_ATTRIBUTE: {"DataType": "String", "StringValue": CONTRACT.UPLOAD_PROCESSED_EVENT_TYPE},
            "content_type": {"DataType": "String", "StringValue": "image/jpeg"},
        },
    )

    assert invoke(body) == NOTHING_FAILED

    assert counters(account)[("day#2026-11-02", "content_type#image/jpeg")][:2] == (1, 5)


def test_the_logs_carry_the_upload_s_event_id(account: Account, invoke: Invoke, log_lines: LogLines) -> None:
    record = upload_record()

    invoke(upload_processed(record))

    [line] = [line for line in log_lines() if line["message"] == "upload counted"]
    assert line["correlation_id"] == line["event_id"] == record["event_id"]
    assert (line["day"], line["media_type"], line["size"]) == ("2026-11-02", "text/csv", 8)


# ------------------------------------------------------------------------ duplicates


def test_the_same_message_twice_in_one_batch_is_counted_once(
    account: Account, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    body = upload_processed()

    assert invoke(body, body) == NOTHING_FAILED

    assert {key: value[:2] for key, value in counters(account).items()} == {
        ("day#2026-11-02", "content_type#text/csv"): (1, 8),
        ("day#2026-11-02", TOTAL): (1, 8),
    }
    found = emitted_metrics(capsys.readouterr().out)
    assert (found.get(CONTRACT.METRIC_UPLOADS_COUNTED), found.get(CONTRACT.METRIC_DUPLICATE_EVENTS)) == (1, 1)


def test_a_redelivery_later_is_a_success_and_changes_nothing(account: Account, invoke: Invoke) -> None:
    body = upload_processed()
    invoke(body)
    before = account.items(account.statistics)

    assert invoke(body) == NOTHING_FAILED

    assert account.items(account.statistics) == before


def test_the_same_upload_published_again_is_counted_once(account: Account, invoke: Invoke) -> None:
    """The upload pipeline publishes an upload again (a new SNS MessageId) after a lost publish
    response or a redrive past its idempotency TTL; its README: deduplicate on event_id."""
    record = upload_record()

    invoke(upload_processed(record), upload_processed(record))

    assert counters(account)[("day#2026-11-02", TOTAL)][:2] == (1, 8)


# ------------------------------------------------------------------- poison messages

POISON = {
    "not an SNS notification": ("not json", "the message body is not JSON"),
    "no event_type": (envelope(json.dumps(upload_record())), "MessageAttributes.event_type is null"),
    "another event_type": (
        envelope(json.dumps(upload_record()), attributes={"event_type": "order.placed"}),
        "MessageAttributes.event_type is \"order.placed\", not 'upload.processed'",
    ),
    "an event_type that is not a String": (
        envelope(json.dumps(upload_record()), attributes={"event_type": ("String.Array", '["upload.processed"]')}),
        "MessageAttributes.event_type is null",
    ),
    "a Message that is not JSON": (
        envelope("uploaded!", attributes={"event_type": "upload.processed"}),
        "Message is not JSON",
    ),
    "a Message that is an array": (
        envelope("[]", attributes={"event_type": "upload.processed"}),
        "Message is not a JSON object",
    ),
    "no event_id": (upload_processed(upload_record(event_id=None)), "Message.event_id must be a non-empty string"),
    "no content_type": (upload_processed(upload_record(content_type="")), "Message.content_type must be a non-empty"),
    "no size": (upload_processed(upload_record(size=None)), "Message.size must be a whole number of bytes >= 0"),
    "a negative size": (upload_processed(upload_record(size=-1)), "Message.size must be a whole number"),
    "a fractional size": (upload_processed(upload_record(size=1.5)), "Message.size must be a whole number"),
    "a size that is a bool": (upload_processed(upload_record(size=True)), "Message.size must be a whole number"),
    "a size that is a string": (upload_processed(upload_record(size="8")), "Message.size must be a whole number"),
    "no event_time": (upload_processed(upload_record(event_time=None)), "Message.event_time must be a non-empty"),
    "an event_time that is no time": (
        upload_processed(upload_record(event_time="today")),
        "Message.event_time is not an ISO 8601 timestamp: 'today'",
    ),
    "an event_time without time zone": (
        upload_processed(upload_record(event_time="2026-11-02T10:00:00")),
        "Message.event_time has no time zone",
    ),
}


@pytest.mark.parametrize("case", POISON.values(), ids=POISON.keys())
def test_a_poison_message_is_a_batch_item_failure_that_says_what_is_wrong(
    account: Account,
    invoke: Invoke,
    log_lines: LogLines,
    capsys: pytest.CaptureFixture[str],
    case: tuple[Any, str],
) -> None:
    body, problem = case

    assert len(failed_ids(invoke(body))) == 1

    assert account.items(account.statistics) == []
    found = emitted_metrics(capsys.readouterr().out)
    assert found.get(CONTRACT.METRIC_INVALID_MESSAGES) == found.get(CONTRACT.METRIC_FAILED_MESSAGES) == 1
    [line] = [line for line in log_lines() if "problem" in line]
    assert line["message"] == "invalid message: not an upload.processed notification"
    assert line["problem"].startswith(problem), line["problem"]


def test_a_mixed_batch_reports_exactly_the_poison_message(account: Account, upload_statistics: ModuleType) -> None:
    wrong_event = envelope(json.dumps(upload_record()), attributes={"event_type": "order.placed"})
    records = [
        sqs_record(json.dumps(upload_processed()), "good-1"),
        sqs_record(json.dumps(wrong_event), "poison"),
        sqs_record(json.dumps(upload_processed()), "good-2"),
    ]

    response = upload_statistics.handler({"Records": records}, FakeLambdaContext())

    assert response == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert counters(account)[("day#2026-11-02", TOTAL)][:2] == (2, 16)


# ------------------------------------------------------------------------ failures


def _cancelled(*codes: str) -> ClientError:
    reasons = [{"Code": code} for code in codes]
    error = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}, "CancellationReasons": reasons}
    return ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]


def test_a_conflicting_transaction_is_tried_again_and_counts_once(
    account: Account,
    invoke: Invoke,
    upload_statistics: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    transact = upload_statistics.dynamodb.transact_write_items
    calls: list[int] = []

    def conflict_once(**request: Any) -> Any:
        calls.append(len(request["TransactItems"]))
        if len(calls) == 1:
            raise _cancelled("None", "None", "TransactionConflict")
        return transact(**request)

    monkeypatch.setattr(upload_statistics.dynamodb, "transact_write_items", conflict_once)

    assert invoke(upload_processed()) == NOTHING_FAILED

    assert calls == [3, 3]
    assert counters(account)[("day#2026-11-02", TOTAL)][:2] == (1, 8)
    found = emitted_metrics(capsys.readouterr().out)
    assert (found.get(CONTRACT.METRIC_TRANSACTION_CONFLICTS), found.get(CONTRACT.METRIC_UPLOADS_COUNTED)) == (1, 1)


def test_a_lasting_conflict_fails_the_message_after_the_last_attempt(
    account: Account, invoke: Invoke, upload_statistics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def always_conflict(**_: Any) -> Any:
        calls.append(1)
        raise _cancelled("None", "TransactionConflict", "None")

    monkeypatch.setattr(upload_statistics.dynamodb, "transact_write_items", always_conflict)

    assert len(failed_ids(invoke(upload_processed()))) == 1

    assert len(calls) == upload_statistics.CONFLICT_ATTEMPTS == 3
    assert account.items(account.statistics) == []


@pytest.mark.parametrize("codes", [("None", "ThrottlingError", "None"), ("ValidationError", "None", "None")])
def test_another_cancellation_fails_only_its_message(
    account: Account,
    invoke: Invoke,
    upload_statistics: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    codes: tuple[str, ...],
) -> None:
    unlucky, lucky = upload_record(size=1), upload_record(size=2)
    transact = upload_statistics.dynamodb.transact_write_items

    def cancel_unlucky(**request: Any) -> Any:
        if request["TransactItems"][0]["Put"]["Item"]["pk"]["S"].endswith(unlucky["event_id"]):
            raise _cancelled(*codes)
        return transact(**request)

    monkeypatch.setattr(upload_statistics.dynamodb, "transact_write_items", cancel_unlucky)

    assert len(failed_ids(invoke(upload_processed(unlucky), upload_processed(lucky)))) == 1

    assert counters(account)[("day#2026-11-02", TOTAL)][:2] == (1, 2)
    found = emitted_metrics(capsys.readouterr().out)
    assert found.get(CONTRACT.METRIC_FAILED_MESSAGES) == 1 and CONTRACT.METRIC_INVALID_MESSAGES not in found


def test_a_throttled_transaction_is_tried_three_times_then_fails_the_message(
    account: Account, invoke: Invoke, upload_statistics: ModuleType
) -> None:
    body = upload_processed()
    with throttled(upload_statistics.dynamodb, "TransactWriteItems") as attempts:
        assert len(failed_ids(invoke(body))) == 1

    assert attempts == [1, 2, 3]
    assert account.items(account.statistics) == []
    assert invoke(body) == NOTHING_FAILED  # the redelivery counts it
    assert counters(account)[("day#2026-11-02", TOTAL)][:2] == (1, 8)


def test_the_marker_retention_comes_from_the_environment(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONTRACT.ENV_MARKER_RETENTION_DAYS, "15")
    before = int(time.time())
    with cold_start(STATISTICS_MODULE) as handler:
        invoker(handler)(upload_processed())

    [marker] = markers(account)
    assert before + 15 * DAY <= marker["expires_at"] <= int(time.time()) + 15 * DAY
